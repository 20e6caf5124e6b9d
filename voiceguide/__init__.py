"""voiceguide: an offline, hands-free voice coach for five back exercises."""
