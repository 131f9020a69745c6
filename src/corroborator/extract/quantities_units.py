"""Units, currencies and scale words that attach to a number, with their canonical names."""
from __future__ import annotations

import re

# surface form (lower case) -> canonical unit. Canonical names are British spellings, singular.
_UNIT_FORMS = {
    "millimetre": ["millimetre", "millimetres", "millimeter", "millimeters", "mm"],
    "centimetre": ["centimetre", "centimetres", "centimeter", "centimeters", "cm"],
    "metre": ["metre", "metres", "meter", "meters", "m"],
    "kilometre": ["kilometre", "kilometres", "kilometer", "kilometers", "km", "kms"],
    "decimetre": ["decimetre", "decimetres", "decimeter", "decimeters", "dm"],
    "mile": ["mile", "miles", "mi"],
    "foot": ["foot", "feet", "ft"],
    "inch": ["inch", "inches", "in."],
    "yard": ["yard", "yards", "yd", "yds"],
    "kilogram": ["kilogram", "kilograms", "kilogramme", "kilogrammes", "kg", "kgs", "kilo", "kilos"],
    "gram": ["gram", "grams", "gramme", "grammes", "g"],
    "milligram": ["milligram", "milligrams", "mg"],
    "microgram": ["microgram", "micrograms", "microgramme", "microgrammes", "mcg", "μg", "µg"],
    "tonne": ["tonne", "tonnes", "ton", "tons", "metric ton", "metric tons", "metric tonne", "metric tonnes", "t"],
    "pound": ["pound", "pounds", "lb", "lbs"],
    "ounce": ["ounce", "ounces", "oz"],
    "litre": ["litre", "litres", "liter", "liters"],
    "millilitre": ["millilitre", "millilitres", "milliliter", "milliliters", "ml"],
    "gallon": ["gallon", "gallons", "gal"],
    "barrel": ["barrel", "barrels", "bbl"],
    "cubic foot": ["cubic foot", "cubic feet"],
    "cubic metre": ["cubic metre", "cubic metres", "cubic meter", "cubic meters", "m3"],
    "acre": ["acre", "acres"],
    "hectare": ["hectare", "hectares", "ha"],
    "square metre": ["square metre", "square metres", "square meter", "square meters", "sq m", "m2", "m²"],
    "square kilometre": ["square kilometre", "square kilometres", "square kilometer", "square kilometers",
                         "sq km", "km2", "km²"],
    "square mile": ["square mile", "square miles", "sq mi"],
    "square foot": ["square foot", "square feet", "sq ft"],
    "mile per hour": ["miles per hour", "miles an hour", "mile per hour", "mph"],
    "kilometre per hour": ["kilometres per hour", "kilometers per hour", "kilometres an hour",
                           "kilometers an hour", "km/h", "kph", "kmph", "km/hr"],
    "degree": ["degree", "degrees", "°"],
    "degree celsius": ["degrees celsius", "degree celsius", "°c", "celsius"],
    "degree fahrenheit": ["degrees fahrenheit", "degree fahrenheit", "°f", "fahrenheit"],
    "byte": ["byte", "bytes"],
    "kilobyte": ["kilobyte", "kilobytes", "kb"],
    "megabyte": ["megabyte", "megabytes", "mb"],
    "gigabyte": ["gigabyte", "gigabytes", "gb"],
    "terabyte": ["terabyte", "terabytes", "tb"],
    "bit": ["bit", "bits"],
    "watt": ["watt", "watts", "w"],
    "kilowatt": ["kilowatt", "kilowatts", "kw"],
    "megawatt": ["megawatt", "megawatts", "mw"],
    "gigawatt": ["gigawatt", "gigawatts", "gw"],
    "kilowatt hour": ["kilowatt hours", "kilowatt-hours", "kilowatt hour", "kwh"],
    "volt": ["volt", "volts"],
    "percent": ["%", "percent", "per cent", "pct", "percentage"],
    "percentage point": ["percentage points", "percentage point", "points", "point"],
    "year": ["year-old", "years-old", "years old", "year old", "year", "years", "yr", "yrs"],
    "month": ["month", "months"],
    "week": ["week", "weeks"],
    "day": ["day", "days"],
    "hour": ["hour", "hours", "hr", "hrs"],
    "minute": ["minute", "minutes", "min", "mins"],
    "second": ["second", "seconds", "sec", "secs"],
    "calibre": ["calibre", "caliber"],
    "USD": ["dollar", "dollars", "usd", "us dollars", "us dollar", "u.s. dollars", "$"],
    "AUD": ["australian dollars", "australian dollar", "aud"],
    "CAD": ["canadian dollars", "canadian dollar", "cad"],
    "EUR": ["euro", "euros", "eur", "€"],
    "GBP": ["pounds sterling", "sterling", "gbp", "£"],
    "JPY": ["yen", "jpy"],
    "CNY": ["yuan", "chinese yuan", "renminbi", "rmb", "cny"],
    "RUB": ["rouble", "roubles", "ruble", "rubles", "rub"],
    "UAH": ["hryvnia", "hryvnias", "hryvnas", "uah"],
    "INR": ["rupee", "rupees", "inr"],
    "CHF": ["swiss francs", "swiss franc", "chf"],
}
UNIT_CANON = {form: canon for canon, forms in _UNIT_FORMS.items() for form in forms}
# Short forms that count as units only when written right after the number (no space): "48m", "100t".
ATTACHED_ONLY = {"m", "g", "t", "w", "mi", "in.", "gal", "min", "sec", "ha", "point", "points"}
# "points" is a unit only after a percent-like change; treat it as attached-only to avoid "scored 20 points".
CURRENCY_UNITS = {"USD", "EUR", "GBP", "JPY", "CNY", "RUB", "UAH", "INR", "CHF", "AUD", "CAD", "NZD", "HKD"}

_forms = sorted(UNIT_CANON, key=len, reverse=True)
UNIT_ALT = "|".join(re.escape(f) for f in _forms)

CURRENCY_SYMBOLS = {"$": "USD", "us$": "USD", "u.s.$": "USD", "a$": "AUD", "au$": "AUD", "c$": "CAD",
                    "ca$": "CAD", "nz$": "NZD", "hk$": "HKD", "€": "EUR", "£": "GBP", "¥": "JPY", "₹": "INR",
                    "₽": "RUB", "₴": "UAH", "usd": "USD", "eur": "EUR", "gbp": "GBP", "rs": "INR", "rs.": "INR",
                    "inr": "INR"}
CURRENCY_ALT = r"(?-i:(?:US|U\.S\.|AU|A|CA|C|NZ|HK)\s?\$|\$|€|£|¥|₹|₽|₴|\b(?:USD|EUR|GBP|INR|Rs\.?)(?=\s?\d))"

SCALE_WORDS = {"hundred": 1e2, "thousand": 1e3, "million": 1e6, "billion": 1e9, "trillion": 1e12,
               "mln": 1e6, "mn": 1e6, "bln": 1e9, "bn": 1e9, "tln": 1e12, "tn": 1e12, "lakh": 1e5,
               "crore": 1e7, "dozen": 12.0, "k": 1e3, "mm": 1e6, "b": 1e9, "M": 1e6, "K": 1e3, "B": 1e9}
# Written after a space too ("2 million", "10 bn"); the single letters only attached ("10k", "$5M", "1.2b").
SCALE_SPACED = r"(?:hundred|thousand|million|billion|trillion|mln|bln|bn|tln|lakh|crore|dozen)s?"
SCALE_ATTACHED = r"(?-i:[kKMBb]|bn|mn|MM|mln|bln)"


def canonical_unit(form):
    return UNIT_CANON.get(form.lower().replace("\u00a0", " "))


def currency_of(symbol):
    return CURRENCY_SYMBOLS.get(re.sub(r"\s", "", symbol).lower())


def scale_of(word):
    if word in SCALE_WORDS:
        return SCALE_WORDS[word]
    w = word.lower()
    if w.endswith("s") and w[:-1] in SCALE_WORDS:
        w = w[:-1]
    return SCALE_WORDS.get(w)
