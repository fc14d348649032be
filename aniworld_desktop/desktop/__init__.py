"""The desktop's own services, without Qt: notifications over D-Bus."""
