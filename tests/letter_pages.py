"""What the letter's sources show on the local web: each cited article's title in the form its outlet
gives it (an outlet suffix, straight or curly quotes, case), some only as JSON-LD or `og:title`,
the way real pages carry them. Keyed by a piece of the URL the letter means."""

from __future__ import annotations

import json

from webserver import Route

# URL piece → (how the page states its title, the title)
PAGES: dict[str, tuple[str, str]] = {
    "venezuelans-deported-el-salvador-names": (
        "title",
        "Here are the names of the Venezuelans deported by the U.S. to El Salvador - CBS News",
    ),
    "trump-deportations-salvador-tren-aragua": (
        "title",
        "US prepares to deport about 300 alleged gang members to El Salvador | AP News",
    ),
    "cecot-el-salvador-venezuela-prison": (
        "title",
        "What to know about the El Salvador mega-prison where Trump sent deported Venezuelans"
        " | El Salvador | The Guardian",
    ),
    "kilmar-abrego-garcia": (
        "title",
        "El Salvador President Bukele says he won&#8217;t be releasing a Maryland man back to the US"
        " | AP News",
    ),
    "khalil-v-trump": ("title", "Khalil v. Trump | Center for Constitutional Rights"),
    "columbia-university-mahmoud-khalil": (
        "title",
        "Immigration agents arrest Palestinian activist who helped lead Columbia University protests"
        " | AP News",
    ),
    "presscorner/detail/en/ip_25_724": ("og", "Commission proposes a new Common European System for Returns"),
    "new-eu-common-approach-on-returns": (
        "title",
        "New EU common approach on returns: risks and human rights violations - EuroMed Rights",
    ),
    "world-refugee-day": (
        "title",
        "World Refugee Day: for the defence of human rights in the Euro-Mediterranean region, stop with "
        "European externalisation policies - EuroMed Rights",
    ),
    "trump-el-salvador-venezuela-deportation-prison": ("json-ld", "“You’re Here Because of Your Tattoos”"),
    "invocation-of-the-alien-enemies-act": (
        "title",
        "Invocation of the Alien Enemies Act Regarding the Invasion of The United States by Tren De Aragua"
        " – The White House",
    ),
    "alien-enemies-act-explained": ("title", "The Alien Enemies Act, Explained | Brennan Center for Justice"),
    "world-latin-america-68244963": (
        "title",
        "Coming face-to-face with inmates in El Salvador's mega-jail - BBC News",
    ),
    "human-rights-watch-declaration": (
        "title",
        "Human Rights Watch Declaration on Prison Conditions in El Salvador for the J.G.G. v. Trump Case"
        " | Human Rights Watch",
    ),
    "el-salvadors-prisons-are-no-place": (
        "title",
        "El Salvador’s Prisons Are No Place for US Deportees | Human Rights Watch",
    ),
    "trump-el-salvador-2056122": (
        "title",
        "Donald Trump Says He Loves Idea of Sending Americans to El Salvador Prison - Newsweek",
    ),
    "trump-bukele-prison-deported-migrants": (
        "title",
        "El Salvador’s Leader Says He Won’t Return Wrongly Deported Maryland Man - The New York Times",
    ),
    "homegrown-trump-doubles": (
        "title",
        "'Homegrown are next': Trump doubles down on sending American 'criminals' to foreign prisons"
        " - ABC News",
    ),
    "migration-rubio-panama-colombia-venezuela": (
        "json-ld",
        "Rubio says El Salvador offers to accept deportees from US of any nationality, including Americans",
    ),
    "youtube.com/live/": (
        "title",
        "Van Hollen speaks to press after meeting with El Salvador VP about return of Kilmar Abrego Garcia"
        " - YouTube",
    ),
    "el-salvador-mega-prison-cecot": ("title", "Inside El Salvador's mega-prison : NPR"),
    "deportation-cecot-punishment": (
        "title",
        "Deportation to CECOT: The Constitutional Prohibition on Punishment Without Charge or Trial"
        " - Just Security",
    ),
    "el-salvador-cecot-prison-deportees": (
        "title",
        "In notorious Salvadoran prison, US deportees live in identical cells to convicted gangsters | CNN",
    ),
    "infamous-el-salvador-prison": (
        "title",
        "The conditions inside the infamous El Salvador prison where deported migrants are held | PBS News",
    ),
}


def source_page(url: str) -> Route:
    """The page the local web serves for a letter URL."""
    piece = next((p for p in PAGES if p in url), None)
    if piece is None:
        raise KeyError(f"no page for {url}: add it to PAGES")
    how, title = PAGES[piece]
    if how == "title":
        head = f"<title>{title}</title>"
    elif how == "og":
        head = f'<meta property="og:title" content="{title}"><meta property="og:site_name" content="Site">'
    else:
        data = {"@context": "https://schema.org", "@type": "NewsArticle", "headline": title}
        head = f'<script type="application/ld+json">{json.dumps(data)}</script>'
    return Route(200, body=f"<!doctype html><html><head>{head}</head><body><p>…</p></body></html>".encode())
