"""The administrators' lists: devices and workers as the admin pages show them."""
