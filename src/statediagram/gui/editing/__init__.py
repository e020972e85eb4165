"""The editor: the palette, the properties and findings panels, and the undoable commands they push."""
