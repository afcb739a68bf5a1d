"""The demo city: Grenoble's area, the shipped BAN sample, a few associations, synthetic
residents and posts from ``benchmarks.city.generate`` (the same city the benchmarks
measure), clipped to the boundary, with French titles per category.

Demo posts keep the generator's ``created_at`` (the last 90 days) and are treated as
renewed today: they expire ``POST_TTL_DAYS`` from now, so the map is not two-thirds
expired. Synthetic residents have no password (nobody logs in as them)."""

import json
import time
from collections.abc import Iterator, Mapping, Sequence
from pathlib import Path
from typing import Any

import numpy as np

from benchmarks.city import generate
from matcher import Region, public_point
from web.http import auth
from web.services import geocode
from web.store import Store

SLUG = "grenoble"
NAME = "Grenoble"
DEMO_EMAIL = "demo@voisinage.test"
DEMO_PASSWORD = "demo-password-1"
DATA = Path(__file__).resolve().parents[2] / "data"
BOUNDARY_FILE = DATA / "grenoble-boundary.geojson"
ADDRESSES_FILE = DATA / "ban-38-grenoble-sample.csv"
CATEGORIES_FILE = DATA / "categories.json"
RESIDENTS = 150
TTL_DAYS = 60

ASSOCIATIONS = [  # name, poster type, categories it posts in
    ("Épicerie solidaire du Mistral", "association", ("food-aid", "shopping")),
    ("Entraide Berriat–Saint-Bruno", "association", ("shopping", "homework", "transport")),
    ("Les Voisins de l'Île Verte", "association", ("pet-walking", "conversation", "childcare")),
    ("Atelier couture Très-Cloîtres", "association", ("equipment-making",)),
    ("Repair & Print Championnet", "association", ("printing", "it-admin")),
    ("CCAS de Grenoble (démo)", "public_body", ("food-aid", "crisis-staff", "conversation")),
]

FIRST_NAMES = [
    "Camille",
    "Léa",
    "Hugo",
    "Louise",
    "Jules",
    "Chloé",
    "Nathan",
    "Manon",
    "Lucas",
    "Inès",
    "Théo",
    "Jade",
    "Paul",
    "Emma",
    "Arthur",
    "Sarah",
    "Malik",
    "Yasmine",
    "Karim",
    "Fatou",
    "Bernard",
    "Monique",
    "Jacqueline",
    "Gérard",
    "Sylvie",
    "Thierry",
    "Nadia",
    "Mathis",
    "Zoé",
    "Amine",
    "Élodie",
    "Pierre",
    "Margaux",
    "Quentin",
    "Anaïs",
    "Rémi",
    "Solène",
    "Baptiste",
    "Aurélie",
    "Kevin",
]

# Per category: (offer titles, request titles, body sentences).
TEXTS: dict[str, tuple[tuple[str, ...], tuple[str, ...], tuple[str, ...]]] = {
    "shopping": (
        (
            "Courses le samedi matin",
            "Je fais vos courses au marché",
            "Courses pour les voisins âgés",
            "Je passe à la pharmacie pour vous",
        ),
        (
            "Besoin d'aide pour les courses",
            "Qui peut me rapporter du pain ?",
            "Courses lourdes à porter",
            "Aide pour aller au supermarché",
        ),
        (
            "Je vais au marché de l'Estacade chaque semaine.",
            "Je peux porter les packs d'eau.",
            "Dites-moi ce qu'il vous faut, je dépose devant la porte.",
            "Pas de voiture, à pied.",
        ),
    ),
    "homework": (
        (
            "Aide aux devoirs en maths",
            "Soutien scolaire en français",
            "Aide pour les exposés",
            "Révisions du brevet",
        ),
        (
            "Cherche aide aux devoirs pour ma fille",
            "Besoin d'un coup de main en anglais",
            "Aide en maths niveau collège",
            "Quelqu'un pour relire un dossier ?",
        ),
        (
            "Le mercredi après-midi.",
            "Niveau primaire et collège.",
            "À la bibliothèque du quartier.",
            "Une heure par semaine.",
        ),
    ),
    "conversation": (
        (
            "Un coup de fil pour discuter",
            "Appels de convivialité",
            "Je peux vous appeler le soir",
            "Conversation en anglais ou en italien",
        ),
        (
            "J'aimerais parler un peu au téléphone",
            "Besoin de compagnie au téléphone",
            "Cherche quelqu'un pour discuter",
            "Appel du dimanche ?",
        ),
        (
            "Par téléphone ou en visio.",
            "Tous les jours après 18 h.",
            "Pour rompre l'isolement.",
            "Je vis seule depuis quelques mois.",
        ),
    ),
    "crisis-staff": (
        (
            "Garde d'enfants pour soignants",
            "Courses pour le personnel hospitalier",
            "Je garde vos enfants pendant vos gardes",
            "Repas pour les soignants du CHU",
        ),
        (
            "Infirmière de nuit, cherche garde",
            "Besoin d'aide pour les courses, je travaille",
            "Garde le week-end pour aide-soignant",
            "Aide pour aller chercher les enfants",
        ),
        (
            "Disponible tôt le matin.",
            "J'habite près du CHU.",
            "Références possibles.",
            "Horaires décalés, merci !",
        ),
    ),
    "pet-walking": (
        (
            "Je promène votre chien",
            "Balade des chiens le matin",
            "Je nourris vos chats",
            "Promenade au parc Paul Mistral",
        ),
        (
            "Cherche quelqu'un pour sortir mon chien",
            "Promenade de mon chien pendant ma convalescence",
            "Garde de mon chat une semaine",
            "Sortie du chien le soir",
        ),
        (
            "Habitué des grands chiens.",
            "Au parc de l'Île d'Amour ou le long de l'Isère.",
            "Matin ou soir.",
            "Mon chien est très gentil.",
        ),
    ),
    "it-admin": (
        (
            "Aide informatique à distance",
            "Je vous aide pour vos démarches en ligne",
            "Dépannage ordinateur par téléphone",
            "Aide pour la déclaration d'impôts",
        ),
        (
            "Besoin d'aide pour un dossier CAF",
            "Mon ordinateur ne marche plus",
            "Aide pour prendre rendez-vous en ligne",
            "Comment faire une visio ?",
        ),
        (
            "Par téléphone ou partage d'écran.",
            "Patience garantie.",
            "Smartphone ou ordinateur.",
            "Je suis perdu avec les sites administratifs.",
        ),
    ),
    "equipment-making": (
        (
            "Je couds des masques en tissu",
            "Fabrication de visières",
            "Atelier couture solidaire",
            "Je prête ma machine à coudre",
        ),
        (
            "Cherche masques pour ma famille",
            "Besoin de tissu et d'élastiques",
            "Qui peut coudre des blouses ?",
            "Cherche visières pour l'école",
        ),
        (
            "Tissu coton lavable à 60 °C.",
            "Je dépose dans votre boîte aux lettres.",
            "Modèle AFNOR.",
            "Gratuit, entre voisins.",
        ),
    ),
    "printing": (
        (
            "J'imprime vos attestations",
            "Impression de documents",
            "Imprimante disponible",
            "Je scanne vos papiers",
        ),
        (
            "Besoin d'imprimer un dossier",
            "Cherche imprimante pour des attestations",
            "Impression de billets de train",
            "Scanner un document urgent",
        ),
        (
            "Noir et blanc ou couleur.",
            "Envoyez-moi le fichier par e-mail.",
            "Je dépose les feuilles chez vous.",
            "Quelques pages seulement.",
        ),
    ),
    "childcare": (
        (
            "Garde d'enfants le mercredi",
            "Baby-sitting en soirée",
            "Je récupère les enfants à l'école",
            "Garde ponctuelle",
        ),
        (
            "Cherche garde pour mon fils",
            "Besoin d'une baby-sitter samedi",
            "Sortie d'école le jeudi",
            "Garde pendant un rendez-vous médical",
        ),
        (
            "Expérience avec les petits.",
            "Près de l'école Jean Jaurès.",
            "BAFA.",
            "Deux enfants de 4 et 7 ans.",
        ),
    ),
    "food-aid": (
        (
            "Distribution de colis alimentaires",
            "Repas chauds à partager",
            "Paniers de légumes",
            "Je cuisine pour les voisins",
        ),
        (
            "Besoin d'aide alimentaire",
            "Fin de mois difficile, cherche un panier",
            "Repas pour une personne âgée",
            "Cherche colis pour famille",
        ),
        (
            "Le mardi et le vendredi.",
            "Sans condition.",
            "Produits frais du marché.",
            "Discrétion assurée.",
        ),
    ),
    "transport": (
        (
            "Je vous conduis à vos rendez-vous",
            "Covoiturage vers le CHU",
            "Transport de courses",
            "Je peux déménager un meuble",
        ),
        (
            "Besoin d'un transport pour l'hôpital",
            "Cherche voiture pour rendez-vous médical",
            "Aide pour aller à la gare",
            "Transport d'un fauteuil",
        ),
        (
            "J'ai une voiture.",
            "En semaine après 17 h.",
            "Accès fauteuil possible.",
            "Aller-retour dans la journée.",
        ),
    ),
}


def build(store: Store, posts: int = 3000, seed: int = 0) -> str:
    """Create the demo city in ``store``; returns a one-line summary."""
    rng = np.random.default_rng(seed)
    now = time.time()
    expires_at = now + TTL_DAYS * 86400.0
    boundary = json.loads(BOUNDARY_FILE.read_text(encoding="utf-8"))
    categories = json.loads(CATEGORIES_FILE.read_text(encoding="utf-8"))
    city_id = store.create_city(SLUG, NAME, boundary, categories)
    addresses = geocode.import_ban(store, city_id, ADDRESSES_FILE)
    address_rows = list(geocode.read_ban(ADDRESSES_FILE))

    posters = _associations(store, city_id, rng, address_rows)
    residents = [
        store.create_account(
            city_id,
            email=f"voisin{number}@demo.voisinage.test",
            display_name=f"{FIRST_NAMES[number % len(FIRST_NAMES)]} {chr(65 + number % 26)}.",
            precision=str(rng.choice(["street", "street", "street", "neighbourhood", "building"])),
            consent={"share_email": bool(rng.random() < 0.7), "share_phone": False},
        )
        for number in range(RESIDENTS)
    ]
    demo_home = next(row for row in address_rows if "Félix Poulat" in row["nom_voie"])
    demo_id = store.create_account(
        city_id,
        email=DEMO_EMAIL,
        password_hash=auth.hash_password(DEMO_PASSWORD),
        display_name="Dominique (démo)",
        phone="04 76 00 00 00",
        home_address=demo_home["label"],
        home_lat=demo_home["lat"],
        home_lon=demo_home["lon"],
        consent={"share_email": True, "share_phone": False},
        consent_text="démo",
        consent_at=now,
    )

    lat, lon, category, kind, created_at = _points_inside(boundary, posts, seed)
    association_share = 0.15

    def rows() -> Iterator[dict[str, Any]]:
        """One post at a time, as the insert takes them: millions never sit in memory."""
        for i in range(len(lat)):
            if rng.random() < association_share:
                account_id, precision = posters[int(rng.integers(len(posters)))], "building"
            else:
                account_id = residents[int(rng.integers(len(residents)))]
                precision = str(rng.choice(["street"] * 7 + ["neighbourhood"] * 2 + ["building"]))
            yield _post(
                rng,
                account_id,
                lat[i],
                lon[i],
                category[i],
                kind[i],
                created_at[i],
                precision,
                expires_at,
            )
        for offset, slug in enumerate(("shopping", "pet-walking", "conversation")):
            yield _post(
                rng,
                demo_id,
                demo_home["lat"],
                demo_home["lon"],
                slug,
                "offer",
                now - 3600.0 * (offset + 1),
                "street",
                expires_at,
            )

    count = store.create_posts(city_id, rows())
    first_demo_post = store.account_posts(demo_id)[-1]["id"]
    store.create_connection(first_demo_post, residents[0], "Bonjour, je suis votre voisine !")
    return (
        f"{addresses} addresses, {len(posters)} associations, {RESIDENTS} residents, {count} posts"
    )


def _associations(
    store: Store, city_id: int, rng: np.random.Generator, addresses: Sequence[Mapping[str, Any]]
) -> list[int]:
    ids = []
    for number, (name, poster_type, _categories) in enumerate(ASSOCIATIONS):
        place = addresses[int(rng.integers(len(addresses)))]
        ids.append(
            store.create_account(
                city_id,
                email=f"association{number}@demo.voisinage.test",
                role="association",
                poster_type=poster_type,
                display_name=name,
                home_address=place["label"],
                home_lat=place["lat"],
                home_lon=place["lon"],
                precision="building",
                consent={"share_email": True, "share_phone": False},
            )
        )
    return ids


def _points_inside(boundary: Mapping[str, Any], n: int, seed: int) -> tuple[np.ndarray, ...]:
    """``n`` generated posts inside the boundary, spread over the whole time range."""
    region = Region.from_geojson(boundary)
    size = max(4 * n, 100)
    while True:
        dataset = generate(size, seed=seed)
        inside = np.flatnonzero(region.contains_many(dataset.lat, dataset.lon))
        if len(inside) >= n:
            break
        size *= 2
    keep = np.sort(np.random.default_rng(seed).choice(inside, n, replace=False))
    return (
        dataset.lat[keep],
        dataset.lon[keep],
        dataset.category[keep],
        dataset.kind[keep],
        dataset.created_at[keep],
    )


def _post(
    rng: np.random.Generator,
    account_id: int,
    lat: float,
    lon: float,
    category: str,
    kind: str,
    created_at: float,
    precision: str,
    expires_at: float,
) -> dict[str, Any]:
    offers, requests, sentences = TEXTS[category]
    titles = offers if kind == "offer" else requests
    body = " ".join(str(s) for s in rng.choice(sentences, 2, replace=False))
    public_lat, public_lon = public_point(float(lat), float(lon), precision)  # type: ignore[arg-type]
    return {
        "account_id": account_id,
        "kind": kind,
        "category": category,
        "title": str(titles[int(rng.integers(len(titles)))]),
        "body": body,
        "lat": float(lat),
        "lon": float(lon),
        "precision": precision,
        "public_lat": public_lat,
        "public_lon": public_lon,
        "status": "published",
        "created_at": float(created_at),
        "updated_at": float(created_at),
        "expires_at": expires_at,
    }
