"""Run for real: the drawn design as real processes, played on the canvas (``statediagram live --events``)."""
