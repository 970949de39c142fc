"""English date formats as the site has always shown them (Django's default is "N j, Y")."""

DATE_FORMAT = "F j, Y"
MONTH_DAY_FORMAT = "F j"
SHORT_DATE_FORMAT = "j M Y"
