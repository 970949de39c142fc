"""Simplified Chinese date formats: 2026年12月3日, 12月3日."""

DATE_FORMAT = "Y年n月j日"
MONTH_DAY_FORMAT = "n月j日"
SHORT_DATE_FORMAT = "Y年n月j日"
