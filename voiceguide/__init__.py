"""voiceguide: an offline, hands-free voice coach for five back exercises."""

__version__ = "0.1.0"
