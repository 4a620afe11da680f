"""The site's data as a whole: seed it, export it, import it.

These operations span every app (criteria, evidence, questionnaire) at once, so they live above
them all, in one place a reader looks for `manage.py seed`, `export_evidence` and `import_evidence`.
"""
