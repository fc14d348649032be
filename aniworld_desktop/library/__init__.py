"""Series in the library and their catalogues."""
