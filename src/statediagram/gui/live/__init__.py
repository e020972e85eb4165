"""Run for real: the drawn design as real processes, watched from the app (``statediagram live --events``)."""
