"""Media pieces of the window that need no window: the encrypted playback device."""
