"""Find every number phrase in a text and parse its value exactly, by code.

The language model is never asked what a number *is*, only what it *counts*.  This module
finds the phrases and their values; it is pure (no I/O, no mutable module state) and uses
precompiled regular expressions only.

What a mention is
-----------------
`find_numbers` returns `NumberMention`s in text order, never overlapping.  ``start`` and
``end`` are offsets into the text exactly as given (nothing is normalised first: curly
quotes, no-break spaces and dashes all stay where they are), so ``text[m.start:m.end] ==
m.text`` always holds.  A mention's text is the whole phrase: qualifier words, currency,
scale, unit and, for a change or a range, both numbers ("from 500 to as high as 5,000",
"as many as 5,000", "$1.5 million", "15 percent", "between 40 and 50").

Values are computed with `decimal.Decimal` and rounded to a float once, so "$1.2bn" is
exactly ``1200000000.0``.  Percentages keep their written value ("15%" -> ``15.0``).

Rules
-----
* Digits: "5,000", "1.5", "3,200.75", ".5".  Scale words and suffixes multiply: "1.5
  million", "51million", "1.2bn", "4.4mn"; "m", "b" and "k" only after a currency sign
  ("£300m"), because a bare "300m" is metres.  "two dozen" -> 24, "a dozen" -> 12.
* Money: a currency sign or code before ("$", "US$", "£", "€", "¥", "₹", "USD 5") or a
  currency word after ("40 dollars", "40 euros", "Canadian dollars", "pounds sterling") sets
  kind ``money`` and an ISO code as unit ("USD", "GBP", "EUR", ...).  A bare "pounds" is
  weight ("lb").  Cents and pence are money in the main unit with no unit of their own
  ("Fifty cents" -> 0.5): which currency, the text says elsewhere.
* Percent: "15%", "15 percent", "15 per cent", "15 pct" -> kind ``percent``, unit ``"%"``;
  "2 percentage points" -> unit ``"pp"``.
* Measures: a unit word or abbreviation after the number ("4,000 km", "12 miles", "30kg",
  "82 hours", "eight years") -> kind ``measure`` with a canonical unit ("km", "kg",
  "miles", "hours", "years", ...).  Durations are measures; one in two units is one
  measure in the smaller ("four years and eight months" -> 56 months).
* Number words (any case): "Fourteen", "twenty-three", "one hundred and five", "nine
  million", "a million", "a dozen".  Where a phrase starts and ends is decided by the
  scanner; its value is summed here over the words the scanner accepted ("a"/"an" read
  as one, "hundred" multiplies the group before it, a scale word closes a group), so
  "sixty-two hundred thousand" is 6,200,000.  (number_parser, used before, turned "no
  one" into "no 1", did not know "a hundred" inside a phrase, and took about 1 ms a
  phrase.)  Words inside words never match ("often", "money", "Tennessee").
* "one" is not a number when it is a pronoun or an idiom: after a determiner ("no one",
  "the one", "any one", "each one"), before "another" / "'s" / a modal verb ("one could
  argue"), "one by one", "one or another", "at one point/time", "one-on-one",
  "one-time", and "one of the" after a copula ("is one of the largest").  "one of the
  injured" in subject position stays a count of 1.
* Vague plurals are lower bounds: "hundreds" -> 100, "thousands" -> 1000, "tens of
  thousands" -> 10000, "millions" -> 1e6, "dozens" -> 12, "several hundred" -> 100, all
  with qualifier ``at_least`` (the word "of" that follows is not part of the mention).
* Fractions, kind ``other`` with unit ``"fraction"``: hyphenated ones ("two-thirds"), or
  spaced ones followed by "of" or ending a clause ("a third of", "three quarters of",
  "half of", "cut by about a third,"); "half a million" -> 500000 (a count).  "cut in
  half" is not a number, and "a third term" is an ordinal.
* Qualifiers written just before the number are part of the mention: "as many as", "as
  high as", "up to", "at most", "no more than" -> ``at_most``; "at least", "no fewer
  than", "no less than", "90-plus", "50+" -> ``at_least``; "more than", "over", "above",
  "longer than" -> ``more_than``; "fewer than", "less than", "under", "below" ->
  ``less_than``; "around", "about", "approximately", "roughly", "nearly", "almost", "some"
  (not before "one"), "an estimated", "close to" -> ``approximately``.  "just", "well",
  "slightly" before them are included.
* Changes: "from 500 to as high as 5,000" (value 5000, change_from 500, qualifier of the
  new value), "rose from 3% to 5%", "to 12 from 9", "12, up from 9".  Units, currency and
  a scale word written only once are shared: "from 3 to 5 percent", "from $10 to $12
  million" (change_from 1e7).  Up to five words or years may stand between the old value
  and "to", with no punctuation and no "and"/"or": "from 61 million journeys in 2019 to 47
  million", "from 14 on Monday evening to 37".
* Ranges: "between 40 and 50", "40 to 50 people", "40-50", "30 to 40 percent", "ranging
  from 18 to 25" -> value the upper bound, ``lower`` the lower bound, qualifier
  ``between``.  "X to Y" and "X-Y" are ranges only when X < Y ("a 19-15 vote" gives two
  counts).
* Dates, kind ``date``: a bare four-digit integer from 1800 to 2100 is a year, never a
  count ("in 2018", "the 2016 election"), unless a quantity qualifier precedes it ("more
  than 2000", "nearly 2000"; "around 2010" stays a year) or a unit or currency follows.
  "January 2020" and "Sept. 26, 2016" are one mention whose value is the year; "Sept. 26"
  and "26 September" have the day as value; "the 1990s", "the '90s", "mid-2016" -> the
  year; "2016-09-26" -> 2016.  Years in a range ("between 2010 and 2050", "from 2010 to
  2020", "2016-17") make a date range, never a change; so does a bare three- or
  four-digit number paired with a year ("between 1600 and 1900").  An era makes a year of
  any size: "A.D. 1000", "AD 79", "350 BC".
* Ordinals, kind ``ordinal``: "first", "twenty-first", "3rd", "21st".  Not: "at first",
  "first lady", "first and foremost", "second-guess", "split second".
* Times of day, kind ``other``: "10:30", "5 p.m.", "5pm"; value in decimal hours on a
  24-hour clock ("5:30 p.m." -> 17.5).
* Hyphenated compounds: "a 15-year-old", "5,000-strong", "two-day summit" give the number
  alone as text (15, 5000, 2); a unit word in the compound still sets kind and unit
  ("-year-old" -> years).  "$5-million" and "5-percent" keep the compound in the text.
* Signs and notation: "-1.3%", "+2%", "minus 40", "minus-130" are negative or positive;
  "sub-300" is ``less_than``; "~300" and "≈ 32" are ``approximately``; "1.99×10−30" and
  "3 x 10^8" are powers of ten; "1.2m tonnes", "5m euros" and "4.3M" are millions (a bare
  "400m" is metres, "3M" a company); "4 hundred million" -> 4e8; "0401 GMT" (four digits
  and a time zone) is a time of day.
* Not numbers: parts of names and codes ("COVID-19", "F-16", "G7", "EB-5", "H-1B", "5G"),
  slashed forms ("9/11", "24/7"), labels after "Article", "Route", "Chapter", "Flight",
  "Game", "No.", "#", "number" and the like ("Article 5", "Route 66", "the number one
  issue"), index names ("S&P 500", "FTSE 100"; but "FTSE -0.6%" is a move), a number
  before a model word ("737 Max", "11 Pro"), street addresses ("575 Harbour Road"), and
  dashed scores and tallies whose first number is not smaller ("2-2", "a 19-15 vote").
* A conversion in brackets takes the qualifier and direction of what it converts: "more
  than 100 km (60 miles)" -> 60 miles, ``more_than``.

Direction
---------
``direction`` is "up", "down" or None, read from the words that govern the number
(`lexicon.DIRECTION_UP` / `DIRECTION_DOWN`): a direction word right before it, past fillers
("rose 3%", "fell by about 4%", "down 40 cents", "slipped a further 0.3%"); "raised" only
through "by" ("raised $5 million" is an amount); a direction verb up to four words before
"by X" ("cut its workforce by 300"); "up to" / "down to" only after a verb of motion ("dip
down to"); ", or 0.6%" and ", and sales by 3%" move like the mention before them; a written
sign on anything but a measure; a change by its values ("from 500 to 5,000" is up).  A
level reached gets none ("fell to 5%").  After a direction word, "X to Y" whose X carries
its own unit or scale is two mentions, an amount and a level ("gained 0.7 percent to
6,327.80"); a bare "dropped by 1 to 1.5 degrees" stays a range.  Nouns are not read ("a
24% rise", "an increase of 5%"), nor comparatives after the number ("38% less common").

Known limits: "one" as a pronoun far from any cue ("an open question, though one soon to
be answered") still counts 1; "2000 people" written without a comma is read as a year;
"20 pounds" is weight even in a British text; "300m" without a currency sign is metres;
"a second" meaning a moment is an ordinal; "the 20s" (decade of life) and phone numbers
are not handled; "10:30" may be a score, not a time; "from 3 apples to 5 pears" is read as
one change; "cents" are hundredths of the main unit ("63 cents" -> 0.63); vague plurals
are lower bounds, not ranges ("dozens" -> 12, ``at_least``).
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass, replace
from decimal import Decimal
from typing import Final, Literal

from newsbrief.lexicon import (
    DIRECTION_BY_ONLY,
    DIRECTION_DOWN,
    DIRECTION_FILLERS,
    DIRECTION_UP,
    ERAS_AFTER,
    ERAS_BEFORE,
    INDEX_NAMES,
    LEVEL_CROSSINGS,
    MODEL_WORDS,
    MONTH_ABBREVIATIONS,
    MONTHS,
    PHRASAL_UP_DOWN,
    STREET_SUFFIXES,
    TIME_ZONES,
)

__all__ = [
    "Direction",
    "FigureKind",
    "NumberMention",
    "Qualifier",
    "find_numbers",
    "parse_number",
]

Qualifier = Literal["approximately", "at_least", "at_most", "more_than", "less_than", "between"]
FigureKind = Literal["count", "money", "percent", "measure", "date", "ordinal", "other"]
Direction = Literal["up", "down"]


@dataclass(frozen=True, slots=True)
class NumberMention:
    """One number phrase: ``text[start:end] == self.text`` in the text it was found in."""

    start: int
    end: int
    text: str
    value: float
    qualifier: Qualifier | None
    change_from: float | None
    lower: float | None
    kind: FigureKind
    unit: str | None
    direction: Direction | None = None


# --------------------------------------------------------------------------------------
# Vocabulary

_HY: Final = "\\-\u2010\u2011"  # character-class body: hyphen, hyphen, no-break hyphen
_E: Final = r"(?!\w)"  # end of a word

# fmt: off
_ONES: Final = {
    "one": 1, "two": 2, "three": 3, "four": 4, "five": 5, "six": 6, "seven": 7, "eight": 8,
    "nine": 9,
}
_TEENS: Final = {
    "ten": 10, "eleven": 11, "twelve": 12, "thirteen": 13, "fourteen": 14, "fifteen": 15,
    "sixteen": 16, "seventeen": 17, "eighteen": 18, "nineteen": 19,
}
_TENS: Final = {
    "twenty": 20, "thirty": 30, "forty": 40, "fifty": 50, "sixty": 60, "seventy": 70, "eighty": 80,
    "ninety": 90,
}
_WORD_VALUES: Final = {**_ONES, **_TEENS, **_TENS, "a": 1, "an": 1}

_ORD_ONES: Final = {
    "first": 1, "second": 2, "third": 3, "fourth": 4, "fifth": 5, "sixth": 6, "seventh": 7,
    "eighth": 8, "ninth": 9,
}
_ORD_TEENS: Final = {
    "tenth": 10, "eleventh": 11, "twelfth": 12, "thirteenth": 13, "fourteenth": 14,
    "fifteenth": 15, "sixteenth": 16, "seventeenth": 17, "eighteenth": 18, "nineteenth": 19,
}
_ORD_TENS: Final = {
    "twentieth": 20, "thirtieth": 30, "fortieth": 40, "fiftieth": 50, "sixtieth": 60,
    "seventieth": 70, "eightieth": 80, "ninetieth": 90,
}
_ORD_BIG: Final = {"hundredth": 100, "thousandth": 1000, "millionth": 1_000_000}
_ORDINAL_WORDS: Final = {**_ORD_ONES, **_ORD_TEENS, **_ORD_TENS, **_ORD_BIG}

_DENOMINATORS: Final = {
    "half": 2, "halves": 2, "third": 3, "thirds": 3, "quarter": 4, "quarters": 4, "fourth": 4,
    "fourths": 4, "fifth": 5, "fifths": 5, "sixth": 6, "sixths": 6, "seventh": 7, "sevenths": 7,
    "eighth": 8, "eighths": 8, "ninth": 9, "ninths": 9, "tenth": 10, "tenths": 10,
}

_SCALES: Final = {
    "dozen": Decimal(12), "hundred": Decimal(100), "thousand": Decimal(1000),
    "million": Decimal(10) ** 6, "billion": Decimal(10) ** 9, "trillion": Decimal(10) ** 12,
}
# Suffixes written against the digits; "m", "b", "k" only count after a currency sign.
_ATTACHED_SCALES: Final = {
    "thousand": _SCALES["thousand"], "million": _SCALES["million"], "mn": _SCALES["million"],
    "mln": _SCALES["million"], "billion": _SCALES["billion"], "bn": _SCALES["billion"],
    "bln": _SCALES["billion"], "trillion": _SCALES["trillion"], "tn": _SCALES["trillion"],
    "trn": _SCALES["trillion"],
}
_MONEY_ONLY_SCALES: Final = {
    "m": _SCALES["million"], "b": _SCALES["billion"], "k": _SCALES["thousand"],
}

_VAGUE_PLURALS: Final = {
    "dozens": Decimal(12), "hundreds": _SCALES["hundred"], "thousands": _SCALES["thousand"],
    "millions": _SCALES["million"], "billions": _SCALES["billion"],
    "trillions": _SCALES["trillion"], "tens of thousands": Decimal(10) ** 4,
    "tens of millions": Decimal(10) ** 7, "tens of billions": Decimal(10) ** 10,
    "hundreds of thousands": Decimal(10) ** 5, "hundreds of millions": Decimal(10) ** 8,
    "hundreds of billions": Decimal(10) ** 11,
}

_CURRENCY_SIGNS: Final = {
    "$": "USD", "us$": "USD", "u.s.$": "USD", "c$": "CAD", "a$": "AUD",
    "hk$": "HKD", "nz$": "NZD", "s$": "SGD", "r$": "BRL", "nt$": "TWD", "rm": "MYR",
    "£": "GBP", "€": "EUR", "¥": "JPY", "₹": "INR",
}
_CURRENCY_CODES: Final = (
    "USD", "EUR", "GBP", "JPY", "CNY", "INR", "IQD", "CHF", "CAD", "AUD", "RUB", "HKD",
)
_CURRENCY_WORDS: Final = {
    "dollars": "USD", "dollar": "USD", "u.s. dollars": "USD", "us dollars": "USD",
    "american dollars": "USD", "canadian dollars": "CAD", "australian dollars": "AUD",
    "hong kong dollars": "HKD", "new zealand dollars": "NZD", "singapore dollars": "SGD",
    "euros": "EUR", "euro": "EUR", "pounds sterling": "GBP", "sterling": "GBP", "yen": "JPY",
    "yuan": "CNY", "renminbi": "CNY", "rupees": "INR", "iraqi dinars": "IQD", "iraqi dinar": "IQD",
    "swiss francs": "CHF", "rubles": "RUB", "roubles": "RUB",
}

# Unit words after a space (matched case-insensitively) -> canonical unit.
_UNIT_WORDS: Final = {
    "kilometres": "km", "kilometers": "km", "kilometre": "km", "kilometer": "km", "km": "km",
    "kms": "km", "metres": "m", "meters": "m", "metre": "m", "meter": "m", "centimetres": "cm",
    "centimeters": "cm", "centimetre": "cm", "centimeter": "cm", "cm": "cm", "millimetres": "mm",
    "millimeters": "mm", "millimetre": "mm", "millimeter": "mm", "mm": "mm",
    "nautical miles": "nautical miles", "miles": "miles", "mile": "miles", "feet": "ft",
    "foot": "ft", "ft": "ft", "inches": "in", "inch": "in", "yards": "yd", "yard": "yd",
    "kilograms": "kg", "kilogram": "kg", "kilogrammes": "kg", "kilos": "kg", "kilo": "kg",
    "kg": "kg", "kgs": "kg", "grams": "g", "gram": "g", "grammes": "g", "metric tons": "t",
    "tonnes": "t", "tonne": "t", "tons": "t", "ton": "t", "pounds": "lb", "pound": "lb",
    "lbs": "lb", "lb": "lb", "ounces": "oz", "ounce": "oz", "oz": "oz", "litres": "l",
    "liters": "l", "litre": "l", "liter": "l", "gallons": "gal", "gallon": "gal",
    "barrels": "barrels", "barrel": "barrels", "square kilometres": "km2",
    "square kilometers": "km2", "sq km": "km2", "km2": "km2", "square miles": "sq mi",
    "sq mi": "sq mi", "acres": "acres", "acre": "acres", "hectares": "ha", "hectare": "ha",
    "ha": "ha", "miles per hour": "mph", "mph": "mph", "kilometres per hour": "km/h",
    "kilometers per hour": "km/h", "km/h": "km/h", "kph": "km/h", "knots": "knots",
    "degrees celsius": "°C", "degrees fahrenheit": "°F", "degrees": "degrees", "megawatts": "MW",
    "mw": "MW", "gigawatts": "GW", "gw": "GW", "kilowatts": "kW", "kw": "kW", "kwh": "kWh",
    "mwh": "MWh", "gwh": "GWh", "seconds": "seconds", "second": "seconds", "minutes": "minutes",
    "minute": "minutes", "mins": "minutes", "hours": "hours", "hour": "hours", "hrs": "hours",
    "days": "days", "day": "days", "weeks": "weeks", "week": "weeks", "months": "months",
    "month": "months", "years": "years", "year": "years", "yrs": "years", "decades": "decades",
    "decade": "decades", "centuries": "centuries", "century": "centuries",
    "fahrenheit": "°F", "celsius": "°C", "gigabytes": "GB", "gigabyte": "GB", "gb": "GB",
    "megabytes": "MB", "megabyte": "MB", "mb": "MB", "terabytes": "TB", "terabyte": "TB",
    "mbps": "Mbps", "gbps": "Gbps", "ghz": "GHz", "mhz": "MHz", "hz": "Hz",
    "hertz": "Hz", "mah": "mAh", "horsepower": "hp", "hp": "hp", "bhp": "bhp", "mg": "mg",
    "milligrams": "mg", "milligram": "mg", "ml": "ml", "millilitres": "ml", "milliliters": "ml",
    "sq m": "m2", "sqm": "m2", "square metres": "m2", "square meters": "m2", "m2": "m2",
    "sq ft": "sq ft", "square feet": "sq ft", "square foot": "sq ft",
}
# Unit abbreviations written against the digits (case-sensitive: "5G" is not grams).
_ATTACHED_UNITS: Final = {
    "km": "km", "kms": "km", "Km": "km", "KM": "km", "m": "m", "cm": "cm", "mm": "mm",
    "mi": "miles", "ft": "ft", "kg": "kg", "kgs": "kg", "Kg": "kg", "g": "g", "lb": "lb",
    "mg": "mg", "mL": "ml", "m2": "m2", "m²": "m2", "km2": "km2", "km²": "km2", "sqm": "m2",
    "GB": "GB", "MB": "MB", "TB": "TB", "KB": "KB", "Gb": "Gb", "Mb": "Mb", "Mbps": "Mbps",
    "Gbps": "Gbps", "kbps": "kbps", "GHz": "GHz", "Ghz": "GHz", "MHz": "MHz", "Mhz": "MHz",
    "kHz": "kHz", "Hz": "Hz", "mAh": "mAh", "hp": "hp", "bhp": "bhp", "degF": "°F",
    "degC": "°C", "C": "°C", "F": "°F",
    "lbs": "lb", "oz": "oz", "l": "l", "ml": "ml", "ha": "ha", "mph": "mph", "kph": "km/h",
    "kmh": "km/h", "MW": "MW", "GW": "GW", "kW": "kW", "kWh": "kWh", "MWh": "MWh", "GWh": "GWh",
}
# First word of a hyphenated compound ("15-year-old", "two-day") that is a unit.
_COMPOUND_UNITS: Final = {
    "year": "years", "years": "years", "month": "months", "week": "weeks", "day": "days",
    "hour": "hours", "minute": "minutes", "second": "seconds", "decade": "decades",
    "mile": "miles", "kilometre": "km", "kilometer": "km", "km": "km", "metre": "m", "meter": "m",
    "foot": "ft", "inch": "in", "acre": "acres", "ton": "t", "tonne": "t", "pound": "lb",
    "kilogram": "kg", "kg": "kg", "megawatt": "MW", "gigawatt": "GW",
}
_COMPOUND_PERCENT: Final = frozenset({"percent", "pct"})
# fmt: on

# fmt: off
_QUALIFIERS: Final[dict[str, Qualifier]] = {
    "as many as": "at_most", "as much as": "at_most", "as high as": "at_most",
    "as large as": "at_most", "as long as": "at_most", "as big as": "at_most",
    "as great as": "at_most", "as far as": "at_most", "up to": "at_most", "at most": "at_most",
    "at the most": "at_most", "no more than": "at_most", "not more than": "at_most",
    "a maximum of": "at_most", "maximum of": "at_most", "at least": "at_least",
    "no fewer than": "at_least", "no less than": "at_least", "not less than": "at_least",
    "a minimum of": "at_least", "minimum of": "at_least", "more than": "more_than",
    "greater than": "more_than", "higher than": "more_than", "larger than": "more_than",
    "longer than": "more_than", "bigger than": "more_than", "over": "more_than",
    "above": "more_than", "in excess of": "more_than", "upwards of": "more_than",
    "fewer than": "less_than", "less than": "less_than", "lower than": "less_than",
    "shorter than": "less_than", "smaller than": "less_than", "under": "less_than",
    "below": "less_than", "around": "approximately", "about": "approximately",
    "approximately": "approximately", "approx.": "approximately", "roughly": "approximately",
    "nearly": "approximately", "almost": "approximately", "some": "approximately",
    "an estimated": "approximately", "estimated": "approximately", "close to": "approximately",
    "circa": "approximately", "an approximate": "approximately", "more or less": "approximately",
}
# fmt: on
_QUANTITY_QUALIFIERS: Final = frozenset({"at_least", "at_most", "more_than", "less_than"})
# "around 2010" is still a year; "nearly 2000" is a quantity.
_TEMPORAL_APPROX: Final = frozenset({"around", "about", "circa"})

# "September", "Sept.", "Sep": a month's name, or its abbreviation with or without a dot.
_MONTH_NAMES: Final = (
    rf"(?:{'|'.join(MONTHS)}|(?:{'|'.join(sorted(MONTH_ABBREVIATIONS, key=len, reverse=True))})"
    r"\.?)(?![A-Za-z])"
)


def _alternation(words: Iterable[str]) -> str:
    """Longest-first regex alternation of phrases; a space matches any run of spaces."""
    keys = sorted(set(words), key=len, reverse=True)
    return "|".join(re.escape(k).replace(r"\ ", r"\s+") for k in keys)


# --------------------------------------------------------------------------------------
# The scanner: one master pattern, alternatives tried in order at each position.

_U: Final = "|".join(_ONES)
_T: Final = "|".join(_TEENS)
_D: Final = "|".join(_TENS)
_S99: Final = rf"(?:(?:{_D}){_E}(?:(?:[{_HY}]|\s+)(?:{_U}){_E})?|(?:{_T}){_E}|(?:{_U}){_E})"
_S999: Final = rf"(?:(?:{_S99}|an?)\s+hundred{_E}(?:\s+(?:and\s+)?{_S99})?|{_S99})"
_SCALE_WORD: Final = r"(?:thousand|million|billion|trillion)"
_CARD: Final = (
    rf"(?:{_S999}|an?(?=\s+{_SCALE_WORD}{_E}))"
    rf"(?:\s+{_SCALE_WORD}{_E}(?:\s+(?:and\s+)?{_S999})?)*"
)
_ORD: Final = (
    rf"(?:(?:{_D})(?:[{_HY}]|\s+)(?:{'|'.join(_ORD_ONES)})"
    rf"|{'|'.join(_ORD_TENS)}|{'|'.join(_ORD_TEENS)}|{'|'.join(_ORD_ONES)}"
    rf"|{'|'.join(_ORD_BIG)}){_E}"
)
_FD: Final = _alternation(_DENOMINATORS)
_FN: Final = rf"an?|{_U}|ten"

_DIGIT_START: Final = rf"(?<![\w.,/:$£€¥₹])(?<![^\W\d_][{_HY}])"
_WORD_START: Final = rf"(?<![\w{_HY}])"
_NUM: Final = r"(?:\d{1,3}(?:,\d{3})+(?:\.\d+)?|\d+(?:\.\d+)?|\.\d+)"
_NUM_END: Final = r"(?![\w]|[.,/:]\d)"
_CUR_PREFIX: Final = (
    r"(?:(?:US|U\.S\.|HK|NZ|NT|C)\s?\$|[ASR]\$|RM|[$£€¥₹]"
    r"|(?:" + "|".join(_CURRENCY_CODES) + r")\s?)"
)
_YEAR: Final = r"(?:1[89]\d\d|20\d\d|2100)"

# Two scanners.  `_DIGIT_SCAN` is searched: every alternative starts where no word character
# precedes (each says so itself); said once more up front, it lets the engine pass over the
# inside of words at once.  `_WORD_SCAN` is only tried, with `match`, at a word that can
# begin a number or a date (`_FIRST_WORDS`): trying its long word alternations at every
# word of the text is most of what scanning would cost.
_DIGIT_SCAN: Final = re.compile(
    r"(?<!\w)(?:"
    + "|".join(
        [
            # 2016-09-26
            rf"(?P<iso>{_DIGIT_START}(?P<iso_y>{_YEAR})-[01]\d-[0-3]\d{_NUM_END})",
            # 26 September / 26th of September 2016
            rf"(?P<dmy>{_DIGIT_START}(?P<dmy_d>\d{{1,2}})(?:st|nd|rd|th)?\s+(?:of\s+)?"
            rf"(?P<dmy_m>{_MONTH_NAMES})(?:,?\s+(?P<dmy_y>{_YEAR}){_NUM_END})?)",
            # 10:30, 5:30 p.m., 5 p.m., 5pm
            rf"(?P<time>{_DIGIT_START}(?P<time_h>\d{{1,2}})(?::(?P<time_m>\d{{2}})(?::\d{{2}})?"
            r"(?:\s?(?P<time_ap>[AaPp])(?:\.[Mm]\.|[Mm](?![\w])))?"
            r"|\s?(?P<time_ap2>[AaPp])(?:\.[Mm]\.|[Mm](?![\w])))"
            rf"{_NUM_END})",
            # the 1990s, the '90s
            rf"(?P<decade>(?:{_DIGIT_START}(?P<dec_y>1[89]\d0|20\d0)|(?<!\w)['\u2019\u2018](?P<dec_yy>\d0))"
            r"(?:['\u2019])?s(?!\w))",
            # mid-2016, pre-2008, mid-1990s
            rf"(?P<pyear>(?<![\w{_HY}])(?i:mid|pre|post)[{_HY}](?P<py_y>{_YEAR})(?P<py_s>s)?(?!\w))",
            # digits, with an optional currency sign before and letters against them
            rf"(?P<digit>{_DIGIT_START}(?P<sub>(?i:sub)[{_HY}])?"
            rf"(?P<sign>(?<![^\s(\[])[-\u2212+](?=[\d.$£€])|(?i:minus)(?:[{_HY}]|\s+)(?=[\d.]))?"
            rf"(?P<cur>{_CUR_PREFIX})?(?P<num>{_NUM})"
            r"(?:\s?[×x]\s?10(?:\^|\*\*)?(?P<exp>[-\u2212]\d{1,3}|(?<=[\^*])\d{1,3}))?"
            rf"(?P<att>[^\W\d_]+[23²³]?)?{_NUM_END})",
        ]
    )
    + ")"
)
_WORD_SCAN: Final = re.compile(
    "|".join(
        [
            # Sept. 26 / Sept. 26, 2016 / September 26th
            rf"(?P<mdy>(?<![\w.])(?P<mdy_m>{_MONTH_NAMES})\s+(?P<mdy_d>\d{{1,2}})"
            rf"(?:st|nd|rd|th)?(?:,?\s+(?P<mdy_y>{_YEAR}))?{_NUM_END})",
            # January 2020 / January of 2020
            rf"(?P<my>(?<![\w.])(?P<my_m>{_MONTH_NAMES})\s+(?:of\s+)?(?P<my_y>{_YEAR}){_NUM_END})",
            # two-thirds, a third of, half of, half a million
            rf"(?P<frac>{_WORD_START}(?i:(?P<f_n>{_FN})(?:[{_HY}](?P<f_d>{_FD}){_E}"
            rf"|\s+(?P<f_d2>{_FD}){_E}(?=\s+of{_E}|\s*[,.;:!?)]|\s*$))"
            r"|half\s+an?\s+(?P<f_hs>dozen|hundred|thousand|million|billion)(?!\w)"
            rf"|(?P<f_h>half){_E}(?=\s+of{_E})))",
            # hundreds, tens of thousands, several hundred
            rf"(?P<vague>{_WORD_START}(?i:(?P<v_pl>{_alternation(_VAGUE_PLURALS)})"
            r"|(?P<v_few>several|a\s+few|a\s+couple(?:\s+of)?|many)\s+"
            r"(?P<v_sc>hundred|thousand|million|billion))(?!\w))",
            # a dozen, two dozen
            rf"(?P<dozen>{_WORD_START}(?i:(?P<dz_n>{_S99}|an?)\s+dozen)(?!\w))",
            # first, twenty-first
            rf"(?P<ordw>{_WORD_START}(?i:{_ORD}))",
            # Fourteen, twenty-three, one hundred and five, a million
            rf"(?P<card>{_WORD_START}(?i:{_CARD}))",
        ]
    )
)
_WORD: Final = re.compile(r"(?<!\w)[^\W\d_]+")
_FIRST_WORDS: Final = frozenset(
    (
        *_ONES, *_TEENS, *_TENS, *_ORDINAL_WORDS, "a", "an", "half", "several", "many",
        *(phrase.split()[0] for phrase in _VAGUE_PLURALS),
        *(month.lower() for month in (*MONTHS, *MONTH_ABBREVIATIONS)),
    )
)  # fmt: skip

# --------------------------------------------------------------------------------------
# Patterns applied around a number, anchored with pos/endpos on the original text.

_SCALE_AFTER: Final = re.compile(
    r"\s+(?i:(?P<w>(?:hundred\s+)?(?:thousand|million|billion|trillion)|hundred|dozen)"
    r"|(?P<a>bn|mn|tn))(?!\w)"
)
_PLUS_AFTER: Final = re.compile(rf"[{_HY}](?i:plus)(?!\w)|\+")
_PERCENT_AFTER: Final = re.compile(
    r"(?P<pp>\s+(?i:percentage\s+points?)(?!\w))|\s?%|\s*(?i:per\s?cent|percent|pct|pc)(?!\w)"
)
_CURRENCY_AFTER: Final = re.compile(
    rf"\s+(?:(?i:(?P<w>{_alternation(_CURRENCY_WORDS)}))"
    rf"|(?P<c>{'|'.join(_CURRENCY_CODES)}))(?!\w)"
)
# Hundredths of a currency the number does not name: "50 cents" -> 0.5, unit unknown.
_CENTS_AFTER: Final = re.compile(r"\s+(?i:cents?|pence|eurocents?)(?!\w)")
_UNIT_AFTER: Final = re.compile(
    rf"\s?(?P<deg>°\s?[CF]?)"
    rf"|\s+(?i:(?P<w>{_alternation(_UNIT_WORDS)}))(?![\w/])"
)
_COMPOUND_AFTER: Final = re.compile(rf"[{_HY}](?P<w>[^\W\d_]{{2,}})")
_COMPOUND_SCALE_AFTER: Final = re.compile(
    rf"[{_HY}](?i:(?P<w>thousand|million|billion|trillion))(?!\w)"
)
_YEAR_RE: Final = re.compile(_YEAR)
_LONE_LETTER_AFTER: Final = re.compile(rf"[{_HY}][^\W\d_](?![\w])")

_QUALIFIER_BEFORE: Final = re.compile(
    r"(?:(?<!\w)(?i:(?:(?:well|just|slightly|far|much|a\s+little)\s+)?"
    rf"(?P<q>{_alternation(_QUALIFIERS)}))\s+|(?P<sym>[~\u2248\u223c])\s*)$"
)
# A label before a number makes it a name, not a figure ("Route 66", "Article 5").
_LABEL_WORDS: Final = (
    "Article", "Articles", "Route", "Chapter", "Section", "Title", "Resolution", "Room",
    "Flight", "Highway", "Interstate", "Boeing", "Airbus", "Proposition", "Prop.", "Level",
    "Phase", "Category", "Grade", "Version", "Windows", "iPhone", "Apollo", "Gate", "Platform",
    "Terminal", "Channel", "Page", "Paragraph", "Clause", "Amendment", "Round", "Formula",
    "Force", "Precinct", "District", "Ward", "Unit", "Squadron", "Camp", "Stage", "Episode",
    "Season", "Volume", "Vol.", "Psalm", "Verse", "Exhibit", "Figure", "Table", "Lot", "Pier",
    "Runway", "Tower", "Apartment", "Apt.", "Suite", "Floor", "Area", "No.", "no.", "Nos.",
    "nos.", "Number", "number", "Game", "category", "Planet", "Note", "Model",
)  # fmt: skip
_LABEL_BEFORE: Final = re.compile(
    rf"(?:(?<!\w)(?:{_alternation((*_LABEL_WORDS, *INDEX_NAMES))})\s+|#\s*)$"
)
# A street address: "12 Harbour Road", "16-18 Mill Lane".
_STREET_AFTER: Final = re.compile(
    rf"(?:[{_HY}\u2013]\d+)?(?:\s+[A-Z][\w'\u2019{_HY}]*){{1,3}}?\s+"
    rf"(?:{_alternation(STREET_SUFFIXES)})\b"
)
_ERA_BEFORE: Final = re.compile(rf"(?<!\w)(?:{_alternation(ERAS_BEFORE)})\s+$")
_ERA_AFTER: Final = re.compile(rf"\s+(?:{_alternation(ERAS_AFTER)})(?!\w)")
# A model name after a number makes it part of the name: "the 737 Max", "iPhone 11 Pro".
_MODEL_AFTER: Final = re.compile(rf"\s+(?:{_alternation(MODEL_WORDS)})(?![\w{_HY}])")
# Four digits and a time zone: a 24-hour clock ("0401 GMT").
_CLOCK_24: Final = re.compile(r"([01]\d|2[0-3])([0-5]\d)")
_TIME_ZONE_AFTER: Final = re.compile(rf"\s*\(?(?:{_alternation(TIME_ZONES)})\b")
# The "one" of "no one", "the one", "that one", "as one".
_ONE_DETERMINER_BEFORE: Final = re.compile(
    r"(?<!\w)(?i:no|any|every|some|the|this|that|which|each|only|another|such|what|whichever"
    r"|last|next|right|wrong|little|loved|young|new|old|big|good|bad|same|other|a|an|as"
    r"|one\s+by|one\s+after|one\s+or)\s+$"
)
_ONE_IDIOM_AFTER: Final = re.compile(
    r"(?i:['\u2019]s(?!\w)|\s+another(?!\w)|\s+or\s+(?:another|the\s+other)(?!\w)"
    r"|\s+by\s+one(?!\w)|\s+after\s+another(?!\w)|\s+and\s+the\s+same(?!\w)"
    r"|(?:\s+[\w-]+){1,2}\s+or\s+another(?!\w)"
    r"|\s+(?:could|can|cannot|can't|can\u2019t|would|should|must|might|may|will|shall)(?!\w)"
    rf"|[{_HY}](?:on|off|sided|time|way|liner|stop|of)(?![^\W\d_]))"
)
_AT_BEFORE: Final = re.compile(r"(?<!\w)(?i:at)\s+$")
_AT_ONE_AFTER: Final = re.compile(r"\s+(?i:point|time|stage|moment|juncture)(?!\w)")
_COPULA_BEFORE: Final = re.compile(
    r"(?:['\u2019]s|(?<!\w)(?i:is|was|are|were|be|been|being|remains|remained|becomes|became|as"
    r"|among))\s+$"
)
_OF_AFTER: Final = re.compile(r"\s+(?i:of)(?!\w)")
_FIRST_IDIOM_AFTER: Final = re.compile(
    rf"(?i:\s+lad(?:y|ies)|\s+and\s+foremost|\s+of\s+all|[{_HY}\s]hand(?:ed)?|\s+aid)(?!\w)"
)
_SECOND_IDIOM_AFTER: Final = re.compile(
    rf"(?i:[{_HY}\s]guess(?:ed|es|ing)?|[{_HY}\s]hand|\s+(?:ago|later|earlier))(?!\w)"
)
_SECOND_IDIOM_BEFORE: Final = re.compile(r"(?<!\w)(?i:split|per)\s+$")
_HALF_BLOCKED_BEFORE: Final = re.compile(
    r"(?<!\w)(?i:first|second|last|other|the|latter|former|top|bottom|back|front)\s+$"
)

_BETWEEN_BEFORE: Final = re.compile(r"(?<!\w)(?i:between)\s+$")
_FROM_BEFORE: Final = re.compile(r"(?<!\w)(?i:from)\s+$")
_RANGE_WORD_BEFORE: Final = re.compile(
    r"(?<!\w)(?i:range|ranges|ranged|ranging|anywhere|varying|varied|varies|vary|aged|ages)"
    r"\s+$"
)
_TO_BEFORE: Final = re.compile(r"(?<!\w)(?i:to)\s+$")
_AND_GAP: Final = re.compile(r"\s+(?i:and)\s+")
_TO_GAP: Final = re.compile(r"\s+(?i:to)\s+")
_FROM_GAP: Final = re.compile(r"\s+(?i:from)\s+")
_UP_FROM_GAP: Final = re.compile(r",?\s+(?i:up|down)\s+(?i:from)\s+")
_DASH_GAP: Final = re.compile(rf"[{_HY}]|\s?\u2013\s?")
# Any text two atoms can stand apart by and still make one mention (a range, a change, a
# duration in two units): each merge of `_mention_at` asks for one of these gaps.
_ANY_GAP: Final = re.compile(
    "|".join(p.pattern for p in (_AND_GAP, _TO_GAP, _FROM_GAP, _UP_FROM_GAP, _DASH_GAP)) + r"|\s+"
)
_CONVERSION_GAP: Final = re.compile(r"\s*\(\s*")
_UP_TO_START: Final = re.compile(r"(?i:up\s+to)(?!\w)")
# Between a change's two values: one to five words (or years), then "to".
_GAP_WORD: Final = r"(?:[^\W\d_][\w'\u2019]*(?:-[^\W\d_][\w'\u2019]*)*|" + _YEAR + ")"
_WORDS_THEN_TO: Final = re.compile(
    rf"\s+(?!(?i:from|to|and|or|but|while|whereas)\s){_GAP_WORD}"
    rf"(?:\s+(?!(?i:from|to|and|or|but|while|whereas)\s){_GAP_WORD}){{0,4}}\s+(?i:to)\s+"
)

_MAX_VALUE: Final = Decimal("1e300")  # beyond this a float is inf: not a figure
_LOOKBACK: Final = 48  # longest qualifier or cue we look for before a number, with slack


# --------------------------------------------------------------------------------------
# Internal atoms
#
# `_Atom`, `_Tail` and `_Pair` are built and read within one `find_numbers` call.


@dataclass(slots=True)
class _Atom:
    start: int  # including qualifier words
    num_start: int  # where the number itself (or its currency sign) begins
    end: int
    value: Decimal
    kind: FigureKind
    unit: str | None = None
    qualifier: Qualifier | None = None
    raw: Decimal | None = None  # value before a scale word; None if no scale word
    scale: Decimal | None = None
    digits: bool = False  # written in digits (for "40-50" ranges)
    rangeable: bool = False  # may be one end of a range or change
    year: bool = False  # a bare year

    def mention(self, text: str) -> NumberMention:
        return NumberMention(
            start=self.start,
            end=self.end,
            text=text[self.start : self.end],
            value=float(self.value),
            qualifier=self.qualifier,
            change_from=None,
            lower=None,
            kind=self.kind,
            unit=self.unit,
        )


@dataclass(slots=True)
class _Tail:
    """What follows a cardinal: scale, plus, percent, currency, unit or compound."""

    end: int  # end of the mention's text
    value: Decimal
    scale: Decimal | None
    kind: FigureKind
    unit: str | None
    plus: bool
    quantity: bool  # something beyond the bare number was read (no longer a bare year)


def _words_key(phrase: str) -> str:
    return " ".join(phrase.lower().split())  # the whitespace of str.split is re's \s


def _cardinal_words_value(phrase: str) -> Decimal | None:
    """Value of a cardinal phrase the scanner accepted ("twenty-three", "a million", "one
    hundred and five", "twenty-eight thousand six hundred forty-two")."""
    total, group = Decimal(0), Decimal(0)  # group: the part below the last scale word
    for token in re.sub(rf"[{_HY}]", " ", _words_key(phrase)).split():
        if token in _WORD_VALUES:
            group += _WORD_VALUES[token]  # "a" and "an" are one
        elif token == "hundred":
            group = (group or Decimal(1)) * 100
        elif token in _SCALES and token != "dozen":
            total, group = total + (group or Decimal(1)) * _SCALES[token], Decimal(0)
        elif token != "and":
            return None
    value = total + group
    return value if value > 0 else None


def _ordinal_words_value(phrase: str) -> int | None:
    tokens = re.sub(rf"[{_HY}]", " ", _words_key(phrase)).split()
    if len(tokens) == 2:
        tens, ones = _TENS.get(tokens[0]), _ORD_ONES.get(tokens[1])
        return tens + ones if tens is not None and ones is not None else None
    return _ORDINAL_WORDS.get(tokens[0]) if len(tokens) == 1 else None


def _scale_of(words: str) -> Decimal:
    """ "hundred million" -> 1e8: the product of the scale words."""
    scale = Decimal(1)
    for word in words.lower().split():
        scale *= _SCALES[word]
    return scale


def _qualifier_before(text: str, start: int, floor: int) -> tuple[int, Qualifier | None, str]:
    """The qualifier written just before ``start``: (its start, qualifier, its words)."""
    match = _QUALIFIER_BEFORE.search(text, max(floor, start - _LOOKBACK), start)
    if match is None:
        return start, None, ""
    if match.group("sym"):
        return match.start(), "approximately", ""  # "~300", "\u2248 32"
    words = _words_key(match.group("q"))
    return match.start(), _QUALIFIERS[words], words


def _read_tail(
    text: str, end: int, value: Decimal, *, money: str | None, scaled: bool, allow_scale: bool
) -> _Tail:
    """Read scale, plus, then percent / currency / unit / compound after a cardinal."""
    core_end = end
    scale: Decimal | None = None
    if allow_scale and not scaled:
        m = _SCALE_AFTER.match(text, end) or _COMPOUND_SCALE_AFTER.match(text, end)
        if m is not None:
            word = m.group("w")
            scale = _scale_of(word) if word else _ATTACHED_SCALES[m.group("a").lower()]
            value, end = value * scale, m.end()
    quantity = scaled or scale is not None
    m = _PLUS_AFTER.match(text, end)
    plus = m is not None
    if m is not None:
        end, quantity = m.end(), True
    if money is not None:
        return _Tail(end, value, scale, "money", money, plus, True)
    m = _PERCENT_AFTER.match(text, end)
    if m is not None:
        unit = "pp" if m.group("pp") else "%"
        return _Tail(m.end(), value, scale, "percent", unit, plus, True)
    m = _CURRENCY_AFTER.match(text, end)
    if m is not None:
        code = m.group("c") or _CURRENCY_WORDS[_words_key(m.group("w"))]
        return _Tail(m.end(), value, scale, "money", code, plus, True)
    m = _CENTS_AFTER.match(text, end)
    if m is not None and scale is None:
        return _Tail(m.end(), value / 100, scale, "money", None, plus, True)
    m = _UNIT_AFTER.match(text, end)
    if m is not None:
        if m.group("deg") is not None:
            letter = m.group("deg")[-1]
            unit = f"°{letter}" if letter in "CF" else "degrees"
        else:
            unit = _UNIT_WORDS[_words_key(m.group("w"))]
        return _Tail(m.end(), value, scale, "measure", unit, plus, True)
    if end == core_end:
        m = _COMPOUND_AFTER.match(text, end)
        if m is not None:
            word = m.group("w").lower()
            if word in _COMPOUND_PERCENT:
                return _Tail(m.end(), value, scale, "percent", "%", plus, True)
            compound_unit = _COMPOUND_UNITS.get(word)
            if compound_unit is not None:
                return _Tail(end, value, scale, "measure", compound_unit, plus, True)
    return _Tail(end, value, scale, "count", None, plus, quantity)


# --------------------------------------------------------------------------------------
# Building atoms from master matches


def _build(text: str, m: re.Match[str], floor: int) -> tuple[_Atom | None, int]:
    """Turn one master match into an atom; returns (atom or None, where to scan next)."""
    group = m.lastgroup
    start, end = m.start(), m.end()
    if group == "iso":
        return _Atom(start, start, end, Decimal(m.group("iso_y")), "date"), end
    if group in ("mdy", "dmy"):
        day = int(m.group(f"{group}_d"))
        if not 1 <= day <= 31:
            return None, start + 1
        year = m.group(f"{group}_y")
        value = Decimal(year) if year else Decimal(day)
        return _Atom(start, start, end, value, "date"), end
    if group == "my":
        return _Atom(start, start, end, Decimal(m.group("my_y")), "date"), end
    if group == "time":
        time = _time_atom(m)
        return time, end if time is not None else start + 1
    if group == "decade":
        if m.group("dec_y"):
            year = int(m.group("dec_y"))
        else:
            short = int(m.group("dec_yy"))
            year = 1900 + short if short >= 20 else 2000 + short
        return _Atom(start, start, end, Decimal(year), "date"), end
    if group == "pyear":
        return _Atom(start, start, end, Decimal(m.group("py_y")), "date"), end
    lo = max(floor, start - _LOOKBACK)
    # "FTSE -0.6%" is the index's move; "FTSE 100" is its name.
    if _LABEL_BEFORE.search(text, lo, start) and not (group == "digit" and m.group("sign")):
        return None, end
    if group == "digit":
        return _digit_atom(text, m, floor)
    if group == "frac":
        return _fraction_atom(text, m, floor), end
    if group == "vague":
        return _vague_atom(m), end
    if group == "dozen":
        count = _cardinal_words_value(m.group("dz_n"))
        if count is None:
            return None, end
        return _word_cardinal_atom(text, start, end, count * 12, floor, bare_one=False), end
    if group == "ordw":
        return _ordinal_word_atom(text, m), end
    cardinal = _cardinal_words_value(m.group("card"))
    if cardinal is None:
        return None, end
    bare_one = _words_key(m.group("card")) == "one"
    return _word_cardinal_atom(text, start, end, cardinal, floor, bare_one=bare_one), end


def _time_atom(m: re.Match[str]) -> _Atom | None:
    hour = int(m.group("time_h"))
    minute = int(m.group("time_m") or 0)
    meridiem = (m.group("time_ap") or m.group("time_ap2") or "").lower()
    if minute > 59 or hour > (12 if meridiem else 24):
        return None
    if meridiem == "p" and hour < 12:
        hour += 12
    elif meridiem == "a" and hour == 12:
        hour = 0
    value = Decimal(hour) + Decimal(minute) / Decimal(60)
    return _Atom(m.start(), m.start(), m.end(), value, "other")


def _digit_atom(text: str, m: re.Match[str], floor: int) -> tuple[_Atom | None, int]:
    start, end = m.start(), m.end()
    number = m.group("num")
    value = Decimal(number.replace(",", ""))
    if m.group("exp"):
        value = value.scaleb(int(m.group("exp").replace("\u2212", "-")))  # "1.99×10−30"
    sign = m.group("sign")
    if sign and sign[0] != "+":
        value = -value  # "-1.3%", "minus 40 degrees"
    cur = m.group("cur")
    if not (cur or m.group("att") or sign):
        clock = _CLOCK_24.fullmatch(number)
        if clock is not None and _TIME_ZONE_AFTER.match(text, end) is not None:
            hours = Decimal(clock.group(1)) + Decimal(clock.group(2)) / 60
            return _Atom(start, start, end, hours, "other"), end  # "0401 GMT"
        street = _STREET_AFTER.match(text, end)
        if street is not None:
            return None, street.end()  # "575 Harbour Road": an address
        if _MODEL_AFTER.match(text, end) is not None:
            return None, end
    money = (_CURRENCY_SIGNS.get(_words_key(cur).replace(" ", "")) or cur.strip()) if cur else None
    att = m.group("att")
    scale: Decimal | None = None
    attached_unit: str | None = None
    if att:
        low = att.lower()
        if low in ("st", "nd", "rd", "th"):
            if money or "." in number:
                return None, end
            return _Atom(start, start, end, value, "ordinal"), end
        if low in _ATTACHED_SCALES:
            scale = _ATTACHED_SCALES[low]
        elif money and low in _MONEY_ONLY_SCALES:
            scale = _MONEY_ONLY_SCALES[low]
        elif (att == "M" and "." in number) or (att in ("m", "M") and _million_m(text, end)):
            scale = _SCALES["million"]  # "4.3M sales", "1.2m tonnes"; "3M" is a company
        elif not money and low in _COMPOUND_PERCENT | {"pc"}:
            attached_unit = "%"  # "24pc", "2.5pct"
        elif not money and att in _ATTACHED_UNITS:
            attached_unit = _ATTACHED_UNITS[att]
        else:
            return None, end  # "5G", "3D", "401k": a name, not a figure
    if _LONE_LETTER_AFTER.match(text, end) is not None:
        return None, end  # "3-D", "4-H"
    raw = value
    if scale is not None:
        value = value * scale
    if attached_unit is not None:
        kind: FigureKind = "percent" if attached_unit == "%" else "measure"
        tail = _Tail(end, value, None, kind, attached_unit, False, True)
        plus = _PLUS_AFTER.match(text, end)
        if plus is not None:
            tail = _Tail(plus.end(), value, None, kind, attached_unit, True, True)
    else:
        tail = _read_tail(text, end, value, money=money, scaled=scale is not None, allow_scale=True)
        if tail.scale is not None:
            scale = tail.scale
    if tail.value > _MAX_VALUE:
        return None, tail.end
    q_start, qualifier, q_words = _qualifier_before(text, start, floor)
    if qualifier is None and tail.plus:
        qualifier = "at_least"
    if qualifier is None and m.group("sub"):
        qualifier = "less_than"  # "sub-300"
    kind, unit = tail.kind, tail.unit
    is_year = (
        not tail.quantity
        and _YEAR_RE.fullmatch(number) is not None
        and qualifier not in _QUANTITY_QUALIFIERS
        and not (qualifier == "approximately" and q_words not in _TEMPORAL_APPROX)
    )
    era = _ERA_BEFORE.search(text, max(floor, start - 8), start)
    if not (tail.quantity or cur or att or sign or qualifier) and number.isdigit():
        if era is not None:
            is_year, q_start = True, era.start()  # "A.D. 1000" is one mention
        elif _ERA_AFTER.match(text, tail.end) is not None:
            is_year = True  # "350 BC"
    if is_year:
        kind = "date"
    atom = _Atom(
        start=q_start,
        num_start=start,
        end=tail.end,
        value=tail.value,
        kind=kind,
        unit=unit,
        qualifier=qualifier,
        raw=raw if scale is not None else None,
        scale=scale,
        digits=True,
        rangeable=True,
        year=is_year,
    )
    return atom, tail.end


def _million_m(text: str, end: int) -> bool:
    """Whether a lower-case "m" against digits is million: a unit or currency word follows
    ("1.2m tonnes", "5m euros"), which a length in metres never has."""
    unit = _UNIT_AFTER.match(text, end)
    return (unit is not None and unit.group("w") is not None) or (
        _CURRENCY_AFTER.match(text, end) is not None
    )


def _word_cardinal_atom(
    text: str, start: int, end: int, value: Decimal, floor: int, *, bare_one: bool
) -> _Atom | None:
    # "ten million": remember the scale word so "from five to ten million" can share it.
    last_word = text[start:end].rsplit(None, 1)[-1].lower()
    scale = _SCALES.get(last_word) if last_word in _ATTACHED_SCALES else None
    tail = _read_tail(text, end, value, money=None, scaled=False, allow_scale=False)
    if bare_one and tail.kind == "count" and _is_pronoun_one(text, start, end):
        return None
    q_start, qualifier, _ = _qualifier_before(text, start, floor)
    if qualifier is None and tail.plus:
        qualifier = "at_least"
    return _Atom(
        start=q_start,
        num_start=start,
        end=tail.end,
        value=tail.value,
        kind=tail.kind,
        unit=tail.unit,
        qualifier=qualifier,
        raw=None if scale is None else value / scale,
        scale=scale,
        rangeable=True,
    )


def _is_pronoun_one(text: str, start: int, end: int) -> bool:
    window = max(0, start - _LOOKBACK)
    if _ONE_DETERMINER_BEFORE.search(text, window, start) is not None:
        return True
    if _ONE_IDIOM_AFTER.match(text, end) is not None:
        return True
    if (
        _AT_BEFORE.search(text, window, start) is not None
        and _AT_ONE_AFTER.match(text, end) is not None
    ):
        return True
    return (
        _OF_AFTER.match(text, end) is not None
        and _COPULA_BEFORE.search(text, window, start) is not None
    )


def _fraction_atom(text: str, m: re.Match[str], floor: int) -> _Atom | None:
    start, end = m.start(), m.end()
    if m.group("f_hs"):
        value = _SCALES[m.group("f_hs").lower()] / 2
        return _word_cardinal_atom(text, start, end, value, floor, bare_one=False)
    if m.group("f_h"):
        if _HALF_BLOCKED_BEFORE.search(text, max(0, start - _LOOKBACK), start) is not None:
            return None
        numerator, denominator = Decimal(1), Decimal(2)
    else:
        count = _WORD_VALUES.get(m.group("f_n").lower()) or _TEENS.get(m.group("f_n").lower())
        denominator_word = (m.group("f_d") or m.group("f_d2")).lower()
        if count is None:
            return None
        numerator, denominator = Decimal(count), Decimal(_DENOMINATORS[denominator_word])
    q_start, qualifier, _ = _qualifier_before(text, start, floor)
    return _Atom(
        start=q_start,
        num_start=start,
        end=end,
        value=numerator / denominator,
        kind="other",
        unit="fraction",
        qualifier=qualifier,
    )


def _vague_atom(m: re.Match[str]) -> _Atom:
    if m.group("v_pl"):
        value = _VAGUE_PLURALS[_words_key(m.group("v_pl"))]
    else:
        value = _SCALES[m.group("v_sc").lower()]
    return _Atom(m.start(), m.start(), m.end(), value, "count", qualifier="at_least")


def _ordinal_word_atom(text: str, m: re.Match[str]) -> _Atom | None:
    start, end = m.start(), m.end()
    phrase = m.group("ordw")
    value = _ordinal_words_value(phrase)
    if value is None:
        return None
    word = _words_key(phrase)
    window = max(0, start - _LOOKBACK)
    if word == "first" and (
        _FIRST_IDIOM_AFTER.match(text, end) is not None
        or _AT_BEFORE.search(text, window, start) is not None
    ):
        return None
    if word == "second" and (
        _SECOND_IDIOM_AFTER.match(text, end) is not None
        or _SECOND_IDIOM_BEFORE.search(text, window, start) is not None
    ):
        return None
    return _Atom(start, start, end, Decimal(value), "ordinal")


def _next_match(text: str, pos: int) -> re.Match[str] | None:
    """The first scanner match at or after ``pos``: a word pattern at a word that can begin
    a number, if one matches before the next digit match, else that digit match."""
    digit = _DIGIT_SCAN.search(text, pos)
    limit = digit.start() if digit is not None else len(text)
    for word in _WORD.finditer(text, pos, limit):
        if word.group().lower() in _FIRST_WORDS:
            m = _WORD_SCAN.match(text, word.start())
            if m is not None:
                return m
    return digit


def _scan(text: str) -> list[_Atom]:
    """The atoms of ``text``, in order: the next scanner match from where the last one
    left off (`_build` says where)."""
    atoms: list[_Atom] = []
    pos = 0
    while (m := _next_match(text, pos)) is not None:
        floor = atoms[-1].end if atoms else 0
        atom, pos = _build(text, m, floor)
        if atom is not None:
            atoms.append(atom)
    return atoms


# --------------------------------------------------------------------------------------
# Ranges and changes


@dataclass(slots=True)
class _Pair:
    kind: FigureKind
    unit: str | None
    first: Decimal  # the first number, with a shared scale word applied


def _may_be_year(atom: _Atom) -> bool:
    """A bare whole number of three or four digits: a year when it pairs with one."""
    return (
        atom.digits
        and atom.kind == "count"
        and atom.qualifier is None
        and atom.scale is None
        and 100 <= atom.value <= 2100
        and atom.value == atom.value.to_integral_value()
    )


def _pair(a: _Atom, b: _Atom) -> _Pair | None:
    """Whether two adjacent atoms can be one range or change, and what they share."""
    if not (a.rangeable and b.rangeable):
        return None
    if a.kind == "date" or b.kind == "date":
        if (a.year or _may_be_year(a)) and (b.year or _may_be_year(b)) and a.value < b.value:
            return _Pair("date", None, a.value)  # "between 1600 and 1900", "A.D. 1000 and 1260"
        if a.year and b.year:
            return _Pair("date", None, a.value)
        return None
    if a.year or b.year:
        return None
    kinds = {a.kind, b.kind} - {"count"}
    if len(kinds) > 1 or (a.unit and b.unit and a.unit != b.unit):
        return None
    kind: FigureKind = kinds.pop() if kinds else "count"
    first = a.value
    if (
        a.scale is None
        and b.scale is not None
        and b.raw is not None
        and a.value < 1000
        and a.value <= 10 * b.raw
    ):
        first = a.value * b.scale
    return _Pair(kind, b.unit or a.unit, first)


def _merged(
    text: str,
    start: int,
    b: _Atom,
    pair: _Pair,
    *,
    qualifier: Qualifier | None,
    change_from: Decimal | None = None,
    lower: Decimal | None = None,
    value: Decimal | None = None,
    end: int | None = None,
) -> NumberMention:
    stop = b.end if end is None else end
    return NumberMention(
        start=start,
        end=stop,
        text=text[start:stop],
        value=float(b.value if value is None else value),
        qualifier=qualifier,
        change_from=None if change_from is None else float(change_from),
        lower=None if lower is None else float(lower),
        kind=pair.kind,
        unit=pair.unit,
    )


def _short_year_span(text: str, a: _Atom, b: _Atom) -> NumberMention | None:
    """A year, a dash and the next year's last two digits: "2016-17", "2019\u201320"."""
    if not (a.year and b.digits and b.kind == "count" and b.qualifier is None):
        return None
    if b.end - b.start != 2 or _DASH_GAP.fullmatch(text, a.end, b.start) is None:
        return None
    century, short = a.value - a.value % 100, a.value % 100
    if not short < b.value:
        return None
    pair = _Pair("date", None, a.value)
    return _merged(
        text, a.start, b, pair, qualifier="between", lower=a.value, value=century + b.value
    )


def _combine_pair(text: str, a: _Atom, b: _Atom, floor: int) -> NumberMention | None:
    span = _short_year_span(text, a, b)
    if span is not None:
        return span
    pair = _pair(a, b)
    if pair is None:
        return None
    window = max(floor, a.start - _LOOKBACK)
    between = _BETWEEN_BEFORE.search(text, window, a.start)
    if between is not None and b.qualifier is None and _AND_GAP.fullmatch(text, a.end, b.start):
        return _merged(text, between.start(), b, pair, qualifier="between", lower=pair.first)
    from_ = _FROM_BEFORE.search(text, window, a.start)
    to_gap = _TO_GAP.fullmatch(text, a.end, b.start) is not None
    up_to = (
        b.qualifier == "at_most"
        and text[a.end : b.start].isspace()
        and _UP_TO_START.match(text, b.start) is not None
    )
    if from_ is not None and (to_gap or up_to):
        is_range = pair.kind == "date" or (
            _RANGE_WORD_BEFORE.search(text, max(0, from_.start() - _LOOKBACK), from_.start())
            is not None
        )
        if is_range:
            return _merged(text, from_.start(), b, pair, qualifier="between", lower=pair.first)
        return _merged(text, from_.start(), b, pair, qualifier=b.qualifier, change_from=pair.first)
    to_ = _TO_BEFORE.search(text, window, a.start)
    if (
        to_ is not None
        and pair.kind != "date"
        and a.qualifier is None
        and b.qualifier is None
        and _FROM_GAP.fullmatch(text, a.end, b.start)
    ):
        return _merged(
            text, to_.start(), b, pair, qualifier=None, value=a.value, change_from=b.value
        )
    if pair.kind != "date" and b.qualifier is None and _UP_FROM_GAP.fullmatch(text, a.end, b.start):
        return _merged(
            text, a.start, b, pair, qualifier=a.qualifier, value=a.value, change_from=b.value
        )
    dash = (
        a.digits
        and b.digits
        and b.qualifier is None
        and (_DASH_GAP.fullmatch(text, a.end, b.start) is not None)
    )
    if (to_gap or dash) and pair.first < b.value:
        if to_gap and _amount_then_level(text, a, floor):
            return None
        return _merged(text, a.start, b, pair, qualifier="between", lower=pair.first)
    return None


def _amount_then_level(text: str, a: _Atom, floor: int) -> bool:
    """Whether "X to Y" after a direction word is an amount moved, then the level reached:
    "gained 0.7 percent to 6,327.80", "rose by $43.6 billion to $419.2 billion".  A bare
    first number is a range's low end instead: "dropped by 1 to 1.5 degrees"."""
    if a.kind == "count" and a.scale is None:
        return False
    return _governing_direction(text, a.start, floor) is not None


def _spaced_change(
    text: str, atoms: list[_Atom], i: int, floor: int
) -> tuple[NumberMention, int] | None:
    """A change whose old value is followed by a few words before "to": "from 61 million
    journeys in 2019 to 47 million", "rose from 14 on Monday evening to 37".  Returns the
    mention and the index of the new value's atom; years between the two are part of it.

    The words between must be at most five, letters or years, with no punctuation, so
    that a clause break ("from 3, and to 5") or another number never joins two figures.
    """
    a = atoms[i]
    if a.kind == "date" or not a.rangeable:
        return None
    window = max(floor, a.start - _LOOKBACK)
    from_ = _FROM_BEFORE.search(text, window, a.start)
    if from_ is None or _RANGE_WORD_BEFORE.search(
        text, max(0, from_.start() - _LOOKBACK), from_.start()
    ):
        return None
    j = i + 1
    while j < len(atoms) and j <= i + 3 and atoms[j].year:
        j += 1  # years between the two values ("in 2019") belong to the change
    if j >= len(atoms) or j > i + 3:
        return None
    b = atoms[j]
    pair = _pair(a, b)
    # Neither value is a date (``a`` is checked above, ``b`` follows the years), so a pair
    # is never a date range here.
    if pair is None or _WORDS_THEN_TO.fullmatch(text, a.end, b.start) is None:
        return None
    merged = _merged(text, from_.start(), b, pair, qualifier=b.qualifier, change_from=pair.first)
    return merged, j


# --------------------------------------------------------------------------------------
# Direction: which way a number moved, read from the words that govern it

_DIRECTION_WORDS: Final[dict[str, Direction]] = {
    **dict.fromkeys(DIRECTION_UP, "up"),
    **dict.fromkeys(DIRECTION_DOWN, "down"),
}
_FILLERS: Final = _alternation(DIRECTION_FILLERS)
# The last word before a number, past any fillers: "rose by about 3%" -> "rose", " by about".
_GOVERNING_WORD: Final = re.compile(
    rf"(?<![\w'\u2019])(?P<w>[^\W\d_]++)(?P<f>(?:\s+(?i:{_FILLERS})(?!\w))*)\s*$"
)
_BY: Final = re.compile(r"(?<!\w)(?i:by)(?!\w)")
_LETTER_WORD: Final = re.compile(r"[^\W\d_]+")
# "down to 50" is a level and "up to 50" a bound, unless a verb of motion comes first:
# "dip down to 50".
_UP_DOWN_TO: Final = re.compile(r"(?<!\w)(?P<w>[^\W\d_]+)\s+(?i:up|down)\s+(?i:to)\s+$")
# After a mention with a direction, ", or 0.6%" and "and sales by 3%" move the same way.
_OR_CONTINUATION: Final = re.compile(r"[^\d.;:!?]{0,25}?,?\s+(?i:or)\s+")
_BY_ELLIPSIS: Final = re.compile(r",?\s+(?:(?i:and|while)\s+)?[^\d,.;:!?]{0,40}?\s(?i:by)\s+")
_SIGN: Final = frozenset("+-\u2212")
_BY_LOOKBACK: Final = 4  # words before "by" that may hold the verb: "grow its sales by 35%"


def _word_direction(word: str) -> Direction | None:
    return _DIRECTION_WORDS.get(word.lower())


def _governing_direction(text: str, start: int, floor: int) -> Direction | None:
    """The direction the words just before ``start`` give a number there.

    A direction word right before the number, past fillers ("rose by about 3%", "down
    40 cents"); "raised" only through "by"; a direction verb a few words before "by"
    ("cut the workforce by 5,000"); "up to" / "down to" only after a verb of motion.
    """
    window = max(floor, start - _LOOKBACK - 12)
    m = _GOVERNING_WORD.search(text, window, start)
    if m is None:
        return None
    word, fillers = m.group("w").lower(), m.group("f")
    if word == "to":
        to = _UP_DOWN_TO.search(text, window, start)
        return _word_direction(to.group("w")) if to is not None else None
    if word in ("up", "down") and not fillers:
        verb = _LETTER_WORD.findall(text, window, m.start("w"))[-1:]
        if verb and verb[0].lower() in PHRASAL_UP_DOWN:
            return None  # "make up 80 percent", "pick up two seats"
    by = _BY.search(fillers) is not None
    if word not in DIRECTION_BY_ONLY or by:
        direction = _word_direction(word)
        if direction is not None:
            return direction
    if by:
        words = _LETTER_WORD.findall(text, window, m.end("w"))
        for before in reversed(words[-_BY_LOOKBACK:]):
            if (d := _word_direction(before)) is not None:
                return d
    return None


def _with_direction(
    text: str, mention: NumberMention, previous: NumberMention | None
) -> NumberMention:
    """``mention`` with the direction its context gives it (None stays None).

    In order: the governing words; a continuation of the previous mention (", or 0.6%",
    "and sales by 3%"); a written sign on a change ("-1.3%", "+2"), but not on a measure
    ("-5C" is a level); a change whose values say so ("from 500 to 5,000").
    """
    if mention.kind == "date" or mention.text.split(None, 1)[0].lower() in LEVEL_CROSSINGS:
        return mention  # "gains from 2009 to 2012"; "fell below 5 percent" is a level
    floor = previous.end if previous is not None else 0
    direction = _governing_direction(text, mention.start, floor)
    if direction is None and previous is not None and previous.direction is not None:
        gap = (previous.end, mention.start)
        if (
            _OR_CONTINUATION.fullmatch(text, *gap) is not None
            or _BY_ELLIPSIS.fullmatch(text, *gap) is not None
        ):
            direction = previous.direction
    if direction is None and mention.text[0] in _SIGN and mention.kind != "measure":
        direction = "up" if mention.text[0] == "+" else "down"
    if (
        direction is None
        and mention.change_from is not None
        and mention.value != mention.change_from
    ):
        direction = "up" if mention.value > mention.change_from else "down"
    return mention if direction is None else replace(mention, direction=direction)


# A duration in two units, and how many of the smaller unit the larger one holds.
_SMALLER_UNIT: Final = {
    ("years", "months"): 12,
    ("weeks", "days"): 7,
    ("days", "hours"): 24,
    ("hours", "minutes"): 60,
    ("minutes", "seconds"): 60,
}


def _two_unit_duration(text: str, a: _Atom, b: _Atom) -> NumberMention | None:
    """ "four years and eight months" -> 56 months; "two hours and 30 minutes" -> 150."""
    per = _SMALLER_UNIT.get((a.unit or "", b.unit or ""))
    if per is None or a.kind != "measure" or b.kind != "measure" or b.qualifier is not None:
        return None
    if _AND_GAP.fullmatch(text, a.end, b.start) is None:
        return None
    pair = _Pair("measure", b.unit, a.value)
    value = a.value * per + b.value
    return _merged(text, a.start, b, pair, qualifier=a.qualifier, value=value)


def _combine(text: str, atoms: list[_Atom]) -> list[NumberMention]:
    mentions: list[NumberMention] = []
    floor = 0
    i = 0
    while i < len(atoms):
        if i + 1 < len(atoms) and _is_score(text, atoms[i], atoms[i + 1]):
            i += 2  # "drew 2-2", "a 5-4 vote": a score or a tally, not two figures
            continue
        mention, i = _mention_at(text, atoms, i, floor)
        previous = mentions[-1] if mentions else None
        mention = _with_direction(text, mention, previous)
        if previous is not None:
            mention = _conversion_of(text, mention, previous)
        mentions.append(mention)
        floor = mention.end
    return mentions


def _is_score(text: str, a: _Atom, b: _Atom) -> bool:
    """ "2-2", "89-89", "5-4": two whole numbers joined by a dash, the first not smaller
    (a range runs upward: "40-50").  Scores and vote tallies are not figures."""
    return (
        a.digits
        and b.digits
        and a.kind == b.kind == "count"
        and a.qualifier is None
        and b.qualifier is None
        and not (a.year or b.year)
        and a.num_start == a.start
        and a.value >= b.value
        and a.value == a.value.to_integral_value()
        and b.value == b.value.to_integral_value()
        and a.value < 1000
        and _DASH_GAP.fullmatch(text, a.end, b.start) is not None
    )


def _conversion_of(text: str, mention: NumberMention, previous: NumberMention) -> NumberMention:
    """A conversion in brackets takes the qualifier and direction of what it converts:
    "more than 100 km (60 miles)" -> more than 60 miles."""
    if mention.kind != previous.kind or mention.kind not in ("measure", "money"):
        return mention
    if _CONVERSION_GAP.fullmatch(text, previous.end, mention.start) is None:
        return mention
    qualifier = mention.qualifier or previous.qualifier
    direction = mention.direction or previous.direction
    if (qualifier, direction) == (mention.qualifier, mention.direction):
        return mention
    return replace(mention, qualifier=qualifier, direction=direction)


def _mention_at(text: str, atoms: list[_Atom], i: int, floor: int) -> tuple[NumberMention, int]:
    """The mention that starts with atom ``i``, and the index of the atom after it: a
    two-unit duration or a range or change with the next atom, a change across a few
    words, else the atom alone."""
    a = atoms[i]
    if i + 1 < len(atoms) and _ANY_GAP.fullmatch(text, a.end, atoms[i + 1].start) is not None:
        b = atoms[i + 1]
        merged = _two_unit_duration(text, a, b) or _combine_pair(text, a, b, floor)
        if merged is not None:
            return merged, i + 2
    spaced = _spaced_change(text, atoms, i, floor)
    if spaced is not None:
        mention, last = spaced
        return mention, last + 1
    return a.mention(text), i + 1


# --------------------------------------------------------------------------------------
# Public API


def find_numbers(text: str) -> list[NumberMention]:
    """Every number phrase in ``text``, in text order, non-overlapping.

    Offsets index ``text`` exactly as given: ``text[m.start:m.end] == m.text``.
    """
    return _combine(text, _scan(text))


def parse_number(phrase: str) -> NumberMention | None:
    """The first number phrase in ``phrase`` (offsets relative to it), or None if it has none.

    >>> parse_number("as many as 5,000").value
    5000.0
    """
    mentions = find_numbers(phrase)
    return mentions[0] if mentions else None
