"""Names: forgiving lookups (index), the indexes of the latest load (cache), and the name
directory every load keeps up to date (directory)."""

from storage.names.cache import NameCache, build_index, scan_names
from storage.names.directory import update_directory
from storage.names.index import ENTITIES, NameIndex

__all__ = ["ENTITIES", "NameCache", "NameIndex", "build_index", "scan_names", "update_directory"]
