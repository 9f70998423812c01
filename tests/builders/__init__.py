"""Export files for the tests, one module per dialect, written straight from docs/dialects.md.

Every test family (connector tests, the reliability fault matrix, runs on a landing folder)
builds its files here. A dialect's header comes from the sample writer (`samples/`), the one
place it is spelled out; the rows are the dialect document's examples, written the way the
exporting system writes them, so a test does not depend on the sample writer's own rows.
`common` writes CSV and XLSX bytes and reads them back through the connectors; `landing`
writes landing folders and runs the pipeline on them.
"""
