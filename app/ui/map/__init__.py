"""The map: the folium page and its QWebEngine view with the bridge to it."""
