"""Public revenue and the five duties over it (清、收、管、用、审); the disclosure (公示)
model."""
