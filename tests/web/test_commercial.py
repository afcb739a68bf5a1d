"""The commercial-offer heuristic: French and English posts, flagged or not."""

import pytest

from web.services.commercial import signals


@pytest.mark.parametrize(
    "text, expected",
    [
        # prices and currency amounts
        ("Ménage à domicile, 15 € de l'heure", "price"),
        ("Cours de maths 20€/h", "price"),
        ("Repassage pour 20 euros la panière", "price"),
        ("Garde d'enfants 12,50 EUR", "price"),
        ("Dog walking, $10 a walk", "price"),
        ("Lawn mowing £ 8.50", "price"),
        ("Soutien scolaire, tarif: 25 €/h", "price"),
        # phone numbers, French and international
        ("Appelez le 06 12 34 56 78", "phone"),
        ("Tél 06.12.34.56.78", "phone"),
        ("Contact: 0612345678", "phone"),
        ("Contact +33 6 12 34 56 78", "phone"),
        ("Call +44 20 7946 0958", "phone"),
        # links and e-mail addresses
        ("Voir mon site https://jardins-pro.example", "link"),
        ("Plus d'infos sur www.bricolage.example", "link"),
        ("Réservez sur bricoleur38.fr", "link"),
        ("Écrivez à contact@menage-pro.example", "email"),
        # words of trade
        ("Devis gratuit pour vos travaux", "words"),
        ("Tarifs sur demande", "words"),
        ("Prix imbattables", "words"),
        ("Paiement en espèces", "words"),
        ("Travail rémunéré", "words"),
        ("Competitive rates for cleaning", "words"),
        ("Ask me for a quote", "words"),
        ("Babysitting, paid per hour", "words"),
    ],
)
def test_commercial_offers_are_flagged(text, expected):
    assert expected in signals(text)


@pytest.mark.parametrize(
    "text",
    [
        "Je garde votre chat le week-end",
        "Courses pour ma voisine le mardi matin",
        "3 rue de la Paix, au 2e étage",  # an address, not a price
        "J'habite au 12 bis, bâtiment B",
        "Aide aux devoirs pour un CM2, 2 fois par semaine",
        "Rendez-vous à 18 h devant la mairie",
        "Je peux promener votre chien 30 minutes",
        "Garde d'enfants de 8 h à 12 h le samedi",
        "I can walk your dog on Saturdays",
        "Shopping for my neighbour on floor 3",
        "Help with homework, 2 children aged 8 and 10",
        "Je prête mon imprimante: 10 pages maximum",
        "Code postal 38000",
    ],
)
def test_neighbourly_posts_are_not_flagged(text):
    assert signals(text) == []


def test_title_and_body_are_both_read_and_every_kind_is_named():
    found = signals("Ménage 15 €", "Appelez le 06 12 34 56 78 ou voir www.menage.example, devis")
    assert found == ["price", "phone", "link", "words"]
