"""The window and everything around it: login, lock, menus, status bar, settings, theme, layouts."""
