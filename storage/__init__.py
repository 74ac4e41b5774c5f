"""Everything that touches fact sheets and SQL: parsing, validation, the store and its queries."""
