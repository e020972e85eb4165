"""The diagram's files: opening and saving, autosave and recovery, and export to PNG and SVG."""
