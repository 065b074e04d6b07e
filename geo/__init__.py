"""Geography of the city: district, street, community and grid cell.

Everything inside is WGS84 longitude/latitude; other coordinate systems are
converted where data enters (see ``geo.coordinates``).
"""
