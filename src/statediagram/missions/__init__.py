"""Qt-free missions: starter diagrams, goals, hints and checks."""
