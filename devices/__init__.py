"""Device kinds as data: profiles (物模型), their units, and device health."""
