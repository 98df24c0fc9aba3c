"""Files -> tidy, typed, checked tables: reading, values, mapping, validation, rules, report, importer, template."""
