"""What a styrgrupp expects to find in every report, shared by the report tests."""

SHEETS = [
    "Rapport",
    "Kommentar",
    "Jämförelse",
    "Sex tertial",
    "Deltagarflöde",
    "Avslutsorsaker",
    "Resultat",
    "Kön",
    "Åldersgrupp",
    "Remitterande aktör",
    "Försörjning vid inskrivning",
    "Avstämning SCB",
    "Uppföljning",
    "Ekonomi",
]
