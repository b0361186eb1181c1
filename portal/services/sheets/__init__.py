"""Progress spreadsheets (进度表): offices download a sheet of every target and project site, fill it
in, upload it, read a preview of every change and problem, and publish it in one transaction.

build.py writes the sheet, read.py turns an uploaded .xlsx or .csv into rows, check.py compares the
rows with the published state (changes, problems, conflicts), apply.py publishes through the same
service functions as the staff item form, uploads.py keeps an upload between preview and publish.
"""
