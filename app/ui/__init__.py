"""The console's Qt user interface: widgets, item models and the map view."""
