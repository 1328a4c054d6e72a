"""Synthetic federation data at city scale for `jinguo generate` and the bench/ suite.

Rows are written straight to the tables the app reads (COPY on PostgreSQL, executemany on
SQLite), with ids chosen here so that materialised paths and foreign keys are known without
reading anything back; sequences are moved past them at the end. The data is what the
services would have written: valid division codes (12 digits, grids 15), paths of zero-padded
ids, residents in households with a head, one open 包保 assignment per household, executives
with a seat on their village's committee and a grid assignment, visits in the last 12 months by
the responsible executive's account, and cases with their transitions. ID numbers and phones
are left empty (valid for the encrypted fields); birth dates are written encrypted, as the app
stores them (AES-GCM, a few microseconds a person). One transaction per county.
"""
