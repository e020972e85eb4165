"""Qt-free simulation: a deterministic discrete-event engine over real stores."""
