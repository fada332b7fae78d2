"""Moodle interoperability for the question bank: GIFT and Moodle XML import and export."""
