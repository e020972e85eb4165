"""The canvas: the diagram drawn as items in a scene, the view that shows it, and the gestures on it."""
