"""The Qt-free core: database, archive service, importers, search and calendar."""
