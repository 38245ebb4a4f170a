"""The word lists the rules read, each written once.

Plain data: tuples where the order is the list's own (months), frozensets where only
membership counts.  A module that needs a regex builds it from these where it uses it, so
that a word added here reaches every rule that reads the list.
"""

from __future__ import annotations

from typing import Final

__all__ = [
    "ACADEMIC_HONORIFICS",
    "CLAUSE_AUXILIARIES",
    "CLAUSE_STARTERS",
    "CONTEXT_PRONOUNS",
    "DIRECTION_BY_ONLY",
    "DIRECTION_DOWN",
    "DIRECTION_FILLERS",
    "DIRECTION_UP",
    "ERAS_AFTER",
    "ERAS_BEFORE",
    "GROUP_WORDS",
    "HONORIFICS",
    "INDEX_NAMES",
    "LEVEL_CROSSINGS",
    "MODEL_WORDS",
    "MONTHS",
    "MONTH_ABBREVIATIONS",
    "PHRASAL_UP_DOWN",
    "QUOTE_VERBS",
    "REFERENCE_NOUNS",
    "REFERENCE_WORDS",
    "SPEECH_VERBS",
    "STREET_SUFFIXES",
    "TIME_ZONES",
]

MONTHS: Final = (
    "January", "February", "March", "April", "May", "June", "July", "August", "September",
    "October", "November", "December",
)  # fmt: skip
# Written with or without a dot after them ("Sept. 26", "Jan 5"); "May" has no short form.
MONTH_ABBREVIATIONS: Final = (
    "Jan", "Feb", "Mar", "Apr", "Jun", "Jul", "Aug", "Sep", "Sept", "Oct", "Nov", "Dec",
)  # fmt: skip

# Verbs that report what someone said, wrote, believes or intends ("X said", "X wants"): an
# attribution cue, the verb after a speaker ("..., several diplomats told Reuters"), and a
# word a rewrite of a claim must not add.
SPEECH_VERBS: Final = frozenset(
    (
        "said", "says", "say", "told", "tells", "added", "adds", "announced", "stated",
        "warned", "noted", "denied", "denies", "claimed", "claims", "argued", "argues",
        "insisted", "wrote", "writes", "reported", "reports", "acknowledged", "confirmed",
        "confirms", "explained", "estimated", "predicted", "suggested", "stressed", "urged",
        "believes", "believed", "thinks", "wants", "plans", "hopes", "expects", "rejected",
        "dismissed", "conceded", "admitted", "recalled", "replied", "responded", "asserted",
        "declared", "alleged", "cautioned", "continued", "concluded",
    )
)  # fmt: skip
# Verbs of a short attribution after a quoted question or exclamation ("“Why?” Graham
# asked."): only verbs of speaking aloud, so "“Go!” Officials want ..." still splits.
QUOTE_VERBS: Final = frozenset(
    (
        "said", "says", "asked", "asks", "added", "adds", "told", "tells", "wrote", "writes",
        "continued", "replied", "replies", "tweeted", "explained", "recalled", "insisted",
        "noted", "stated", "declared", "shouted", "yelled", "wondered", "demanded",
        "exclaimed", "cried", "quipped", "responded", "answered", "countered", "argued",
    )
)  # fmt: skip

# Courtesy titles dropped from a person's name ("Dr Mei-Ling Vasquez-Thorsen").  A person the
# text mentions drops `ACADEMIC_HONORIFICS` too; a source's name keeps them, because the
# recorded briefs name "Prof Helena Sørensen-Park" (one list only with the fixture briefs).
HONORIFICS: Final = ("Mr", "Mrs", "Ms", "Dr")
ACADEMIC_HONORIFICS: Final = ("Prof",)

# A claim that starts with one of these words ("It may cut 300 jobs") or with "the" and one
# of `REFERENCE_NOUNS` ("The company said ...") leans on its context to stand alone.
CONTEXT_PRONOUNS: Final = ("he", "she", "it", "they", "his", "her", "its", "their")
REFERENCE_NOUNS: Final = (
    "company", "alliance", "group", "agency", "ministry", "government", "firm", "party",
    "organisation", "organization", "court", "council", "military", "union", "club",
    "campaign", "country", "city", "department", "committee", "bank", "board",
)  # fmt: skip
# The words a rewrite of such a claim may replace; every other word of the claim stays.
REFERENCE_WORDS: Final = frozenset({*CONTEXT_PRONOUNS, "him", "them", "the", *REFERENCE_NOUNS})

# Words that say which way a number moved when they govern it ("shares rose 3%", "down 40
# cents", "cut by 5,000 jobs").  "up" and "down" are here too: "up to" / "down to" is read
# as a bound or a level unless a verb of motion comes first ("dip down to").
DIRECTION_UP: Final = frozenset(
    (
        "rose", "rise", "rises", "risen", "rising", "up", "increased", "increase", "increases",
        "increasing", "gained", "gain", "gains", "gaining", "climbed", "climb", "climbs",
        "climbing", "jumped", "jump", "jumps", "jumping", "grew", "grow", "grows", "growing",
        "grown", "added", "add", "adds", "adding", "advanced", "advance", "advances",
        "advancing", "surged", "surge", "surges", "surging", "soared", "soar", "soars",
        "soaring", "raised", "raise", "raises", "raising", "lifted", "lift", "lifts", "higher",
        "rallied", "rally", "rallies", "rallying", "spiked", "spike", "spikes", "spiking",
        "upward", "upwards", "boosted", "boost", "boosts", "boosting", "expanded", "expand",
        "expands", "expanding",
    )
)  # fmt: skip
DIRECTION_DOWN: Final = frozenset(
    (
        "fell", "fall", "falls", "fallen", "falling", "down", "dropped", "drop", "drops",
        "dropping", "declined", "decline", "declines", "declining", "lost", "lose", "loses",
        "losing", "slid", "slide", "slides", "sliding", "slipped", "slip", "slips", "slipping",
        "slumped", "slump", "slumps", "slumping", "plunged", "plunge", "plunges", "plunging",
        "tumbled", "tumble", "tumbles", "tumbling", "sank", "sink", "sinks", "sinking", "sunk",
        "cut", "cuts", "cutting", "lower", "lowered", "lowers", "lowering", "decreased",
        "decrease", "decreases", "decreasing", "shed", "sheds", "shedding", "dipped", "dip",
        "dips", "dipping", "shrank", "shrink", "shrinks", "shrinking", "shrunk", "eased",
        "ease", "eases", "easing", "downward", "downwards", "reduced", "reduce", "reduces",
        "reducing", "plummeted", "plummet", "plummets", "plummeting", "retreated", "retreat",
        "retreats", "retreating", "contracted", "contract", "contracts", "contracting",
        "slashed", "slash", "slashes", "slashing",
    )
)  # fmt: skip
# "raised" governs a number only through "by" ("raised prices by 5%"); "raised $5 million" is
# an amount, not a move.
DIRECTION_BY_ONLY: Final = frozenset(("raised", "raise", "raises", "raising"))
# Verbs whose "up" / "down" is not a move: "make up 80 percent", "pick up two seats".
PHRASAL_UP_DOWN: Final = frozenset(
    (
        "make", "makes", "made", "making", "pick", "picks", "picked", "picking", "take",
        "takes", "took", "taking", "set", "sets", "setting", "sign", "signs", "signed",
        "signing", "back", "backs", "backed", "backing", "break", "breaks", "broke", "breaking",
        "shut", "shuts", "shutting", "show", "shows", "showed", "showing", "give", "gives",
        "gave", "giving", "line", "lines", "lined", "sum", "sums", "summed", "turn", "turns",
        "turned", "hand", "hands", "handed", "step", "steps", "stepped", "stepping",
    )
)  # fmt: skip
# After a direction verb, these make the number a level crossed, not an amount moved:
# "fell below 5 percent", "rose above $10".
LEVEL_CROSSINGS: Final = frozenset(("below", "above"))
# Words that may stand between a direction word and its number: "rose by about 3%", "fell as
# much as 4%", "gained a further 2%".
DIRECTION_FILLERS: Final = (
    "by", "about", "around", "roughly", "nearly", "almost", "some", "just", "only", "another",
    "a further", "as much as", "as many as", "more than", "less than", "over",
    "under", "at least", "up to", "slightly", "sharply", "marginally", "steeply",
)  # fmt: skip

# Names a number belongs to, not a figure: "the S&P 500", "Stoxx 50", "the FTSE 100".
INDEX_NAMES: Final = (
    "S&P", "S P", "SP", "sp", "S&P/ASX", "S&P/TSX", "Stoxx", "STOXX", "Euro Stoxx", "Nasdaq",
    "NASDAQ", "nasdaq", "FTSE", "ftse", "Russell", "Nikkei", "ASX", "Fortune", "MSCI", "CSI",
    "Hang Seng", "DJIA",
)  # fmt: skip
# The last word of a street address ("12 Harbour Road"): its number is not a figure.  Not
# "Court" or "Close": "the 9 Supreme Court justices" is a count.
STREET_SUFFIXES: Final = (
    "Road", "Rd", "Street", "St", "Avenue", "Ave", "Lane", "Ln", "Drive", "Boulevard", "Blvd",
    "Place", "Square", "Terrace", "Crescent", "Parade",
)  # fmt: skip
# After four digits, a time zone makes a 24-hour clock time ("0401 GMT").
TIME_ZONES: Final = (
    "GMT", "UTC", "BST", "CET", "CEST", "EET", "EST", "EDT", "CST", "CDT", "MST", "MDT", "PST",
    "PDT", "JST", "IST", "AEST", "AEDT", "SGT", "HKT", "local time",
)  # fmt: skip
# A word after a number that makes it part of a model's name: "the 737 Max", "11 Pro".
MODEL_WORDS: Final = ("Max", "Pro", "Plus", "Mini", "Ultra", "Dreamliner", "ZIP")
# An era written with a number makes it a year of any size: "A.D. 1000", "350 BC".
ERAS_BEFORE: Final = ("A.D.", "AD")
ERAS_AFTER: Final = ("B.C.", "BC", "BCE", "B.C.E.", "A.D.", "AD", "CE")

# A speaker ("who made the statement") is a who-phrase, not a clause: a conjunction that
# opens it ("But the program ...") is no part of it, and one that holds a finite auxiliary or
# a contraction ("the people that are getting killed", "It's hard to convince them") is not
# one.
CLAUSE_STARTERS: Final = frozenset((
    "and", "but", "so", "or", "if", "when", "while", "because", "although", "though",
    "since", "unless", "whether", "once", "yet",
))  # fmt: skip
CLAUSE_AUXILIARIES: Final = frozenset((
    "is", "are", "was", "were", "am", "be", "been", "being", "do", "does", "did", "can",
    "will", "would", "should", "shall", "must", "might", "could", "may", "needs", "got",
    "it's", "that's", "there's", "here's", "what's", "it’s", "that’s", "there’s", "here’s",
    "what’s",
))  # fmt: skip
# Speakers of one lower-case word that name who spoke without an "s" of the plural.
GROUP_WORDS: Final = frozenset((
    "people", "police", "men", "women", "children", "staff", "everyone", "everybody",
    "someone", "somebody", "nobody", "anyone", "government", "military", "public",
    "management", "leadership", "opposition", "administration", "media", "press",
    "clergy", "faculty", "personnel", "youth", "panel", "jury", "committee", "council",
))  # fmt: skip
