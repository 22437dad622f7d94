"""What a styrgrupp expects to find in every report, shared by the report tests."""

SHEETS = [
    "Rapport",
    "Deltagarflöde",
    "Avslutsorsaker",
    "Resultat",
    "Kön",
    "Avstämning SCB",
    "Uppföljning",
    "Ekonomi",
]
