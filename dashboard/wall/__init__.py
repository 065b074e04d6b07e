"""The wall screen (一屏观全域): its vital signs, trend, ticker and the screen that joins
them to the map of layers/. The page module (dashboard/pages/wall.py) only wires these to
Dash."""
