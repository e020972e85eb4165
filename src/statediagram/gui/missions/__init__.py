"""Missions in the app: the browser of every mission, the docked mission panel, and the learner's progress."""
