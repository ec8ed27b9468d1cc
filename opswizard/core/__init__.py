"""The core of opswizard: no Textual here (a test makes sure).

The template description, the model, parse/render, the checklist, naming and
folders, the knowledge base on disk, the index and suggesters, text sanitising.
"""
