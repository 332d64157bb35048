"""Word lists the pasted-text reader judges lines by, in the supported languages.

Kept apart from the logic so that adding a language is adding words, not code. All entries are
lower case; patterns are matched against lower-cased lines.
"""

from __future__ import annotations

import re

from composer import regexcache as rx


def _words(text: str, sep: str | None = None) -> frozenset[str]:
    """A word list written as a block of text (easier to read and extend than a literal)."""
    return frozenset(item.strip() for item in text.split(sep) if item.strip())


# Function words: prose is full of them, menus and headlines have few. One pooled set serves
# every language because a line is rarely ambiguous between them.
STOPWORDS = _words(
    """
    a an the and or but if of to in on at by for from with as is are was were be been being have has
    had do does did not no it its this that these those he she they we you i his her their our your
    my me him them us who whom which what when where why how than then there here so such also can
    could would should will may might must into over about after before up out just more most very
    all any some one said says
    der die das den dem des ein eine einer eines einem einen und oder aber nicht ist sind war waren
    wird werden wurde hat haben hatte zu im in am an auf aus bei mit nach von vor für über unter
    auch es er sie wir ihr sich dass daß wie als noch nur schon so wenn doch mehr um
    le la les un une des du de et ou mais est sont était été a ont au aux en dans sur pour par avec
    ne pas que qui il elle ils elles nous vous se ce cette ces son sa ses leur leurs plus comme
    el los las una unos unas y o pero es son fue ser ha han del al en con por para que se lo su sus
    como más no le les este esta estos estas
    il lo gli i uno una e ed o ma è sono era stato ha hanno di da del della dei delle nel nella
    con su per tra fra che non si come anche più questo questa
    het een en of maar is zijn was waren wordt werd heeft hebben van in op aan met voor door
    bij uit naar dat die dit deze niet ook als er zich om te
    o os as um uma e ou mas é são foi ser tem têm do da dos das no na nos nas em com por para
    que não se como mais ao à seu sua seus suas
    и в во не на что с со по как это из к за о об от для он она они мы вы но а же бы то его её их
    """
)

# Whole lines that are page furniture in any of the languages (after trimming punctuation).
FURNITURE_LINES = _words(
    """
    advertisement, advertising, ad, ads, sponsored, sponsored content, anzeige, werbung, publicité, publicidad,
    pubblicità, advertentie, publicidade, share, share this, share this article, share this story,
    share on facebook, share on twitter, share via email, tweet, email, e-mail, print, comments, comment, reply,
    like, follow, subscribe, sign in, sign up, log in, login, logout, register, menu, search, close, save,
    skip to content, skip to main content, skip to navigation, jump to content, jump to navigation, jump to search,
    jump to navigation jump to search, home, back to top, read more, more, read next,
    next, previous, prev, continue reading, continue reading the main story, related, related articles,
    related stories, related content, you might also like, you may also like, more from, recommended, trending,
    most popular, most read, most viewed, popular, see more, see all, view all, show more, load more,
    teilen, kommentare, kommentar, anmelden, abonnieren, suche, startseite, mehr, mehr lesen, weiterlesen,
    zum inhalt springen, partager, commentaires, commentaire, connexion, se connecter, s'abonner, rechercher,
    accueil, lire la suite, lire aussi, aller au contenu, aller au contenu principal, compartir, comentarios,
    comentario, suscríbete, suscribirse, iniciar sesión, buscar, inicio, leer más, ir al contenido,
    condividi, commenti, commento, accedi, abbonati, cerca, leggi anche, leggi di più, vai al contenuto,
    delen, reacties, reactie, inloggen, abonneren, zoeken, lees meer, lees ook, naar de inhoud,
    partilhar, compartilhar, comentários, comentário, entrar, assinar, pesquisar, leia mais, leia também,
    print this article, email this article, share this article, join our newsletter, key points,
    copy link, link copied, copied, copy to clipboard, listen, listen to this article, bookmark, gift article,
    image caption, image source, media caption, photo, video, audio, gallery, expand, collapse, open, toggle,
    reuse this content, contribute, contribuer, réutiliser ce contenu, facebook, twitter, linkedin, whatsapp,
    instagram, youtube, pinterest, reddit, telegram, rss, x, flipboard, print this page, email this,
    paylaş, udostępnij, sdílet, zdieľať, dela, del, jaa, megosztás, distribuie,
    article content, story continues below, story continues below advertisement, advertisement 1, advertisement 2,
    advertisement 3, featured video, current issue, à découvrir, continue reading below,
    reklama, reklam, annons, annonse, annonce, annonsørinnhold, mainos, hirdetés, publicitate, реклама,
    czytaj więcej, czytaj też, zobacz też, související, čtěte také, článek, súvisiace, čítajte aj,
    läs mer, läs också, les mer, les også, vis mer, vis mindre, vis mer vis mindre, læs mere, læs også,
    lue lisää, lue myös, kapcsolódó, citește și, devamını oku, ilgili haberler, читайте также, читайте також
    """,
    ",",
)

# Widget labels with a variable part: "Share on WhatsApp", "Compartir en Facebook", "Copiar enlace".
FURNITURE_PATTERN = rx.compile(
    r"^(?:share|compartir|partager|teilen|condividi|delen|partilhar|compartilhar|tweet|email|e-mail|send|enviar)"
    r"(?: (?:this|on|en|sur|auf|su|op|no|via|per|por|by|the))* [\w.+-]+$|"
    r"^(?:copy|copiar|copier|kopieren|copia|kopieer|copie)(?: the| le| el| o| den| il)? (?:link|enlace|lien|link kopieren|url)$|"
    r"^(?:link|lien|enlace) (?:kopieren|copier|copiar)$|"
    # social follow buttons and "show more" buttons: "Follow on Facebook", "Follow by Email",
    # "Weitere Beiträge anzeigen", "Load more stories", "Voir plus"
    r"^(?:follow|folgen sie|folge|suivez|síguenos|seguici|volg) (?:(?:us|uns|nous|ons)(?: (?:on|by|auf|sur|en|su|op) [\w.@&' -]{1,30})?|"
    r"(?:on|by|auf|sur|en|su|op) [\w.@&' -]{1,30})$|"
    r"^(?:show|load|see|view) more(?: \w+)?$|^(?:weitere \w+|mehr) (?:anzeigen|laden)$|^(?:voir|afficher) plus$|"
    r"^(?:ver|cargar|mostrar) más$|^(?:mostra|carica) altro$|^(?:toon|laad) meer$|"
    # a gallery's button over its lead photo: "View 6 Images", "See all 12 photos"
    r"^(?:view|see|show|open)(?: all)? \d+ (?:images|photos|pictures)$|^この記事の(?:画像|写真)を見る"
)

# A wiki's hatnote pointing to other pages ("Main article: History of New Zealand", "See also: …"):
# a link line between sections, never the headline nor a paragraph of the article.
HATNOTE = rx.compile(
    r"^(?:see also|main articles?|further information|for other uses, see|siehe auch|hauptartikel|"
    r"articles? (?:détaillés?|connexes?) ?|voir aussi|artículos? principal(?:es)?|véase también|voce principale|"
    r"voci principali|vedi anche|zie ook|hoofdartikel|ver também|artigo principal) ?: *\S|"
    r"^this (?:article|page) is about\b.*\bfor other uses, see\b|^for other uses, see\b|^\S.{0,60} redirects here\.",
    re.I,
)

# Phrases that make a line boilerplate wherever they appear in it, each with the lower-case
# substrings one of which any text it matches contains (its hints). A line is first asked whether
# it holds any hint at all (most lines hold none), and then only the phrases whose hints it holds
# are tried: one alternation of every phrase costs ~80 µs on a hinted line, which made this test
# a tenth of the whole pasted-text reader. ``tests/ingest/test_text_lines.py`` checks that the two
# stages answer as the whole alternation does on every line of the corpus. The phrases are applied
# to lower-cased lines: re.I would make them many times slower.
BOILERPLATE_RULES: tuple[tuple[tuple[str, ...], str], ...] = (
    (("reserved",), r"\ball rights reserved\b"),
    (("©",), r"©"),
    (("copyright",), r"\bcopyright\s*(?:©|\(c\)|\d{4})"),
    (("cookie",), r"\bcookies?\b.*\b(?:use|accept|consent|policy)\b"),
    (("privacy",), r"\bprivacy (?:policy|notice|settings)\b"),
    (("terms",), r"\bterms (?:of|and) (?:use|service|conditions)\b"),
    (("newsletter",), r"\bsign up (?:for|to)\b.*\bnewsletter"),
    (("newsletter",), r"\bnewsletter\b.*\b(?:sign up|subscribe|inbox)\b"),
    (("subscribe",), r"\bsubscribe (?:now|today|to)\b"),
    (("share this",), r"\bshare this (?:article|story|page)\b"),
    (("like this",), r"^(?:did you )?like this (?:story|article)\?"),
    # an audio player's notice above the article ("Diese Audioversion wurde künstlich generiert.")
    (("audioversion", "vorlesefunktion"), r"\b(?:diese audioversion|vorlesefunktion)\b"),
    (("feedback",), r"\b(?:wir freuen uns über ihr feedback|we(?:'d| would)? (?:love|welcome) your feedback|"
                    r"senden sie uns ihr feedback)\b"),
    (("newsletter",), r"\bmit meiner anmeldung zum newsletter\b"),
    # a newsroom's request for tips under the article ("Have a tip? Jane Doe may be reached at …")
    (("have a tip", "have a news tip"), r"^have a (?:news )?tip\?"),
    # the labels around a newsletter box inside the article ("skip past newsletter promotion" /
    # "after newsletter promotion", the Guardian; ``text._blocks`` drops the box between them)
    (("newsletter",), r"^(?:skip past|after) newsletter promotion$"),
    # a screen reader's skip link over each section ("Den nächsten Abschnitt Ähnliche Themen überspringen")
    (("überspringen",), r"^(?:den )?nächsten abschnitt .{0,40}überspringen$"),
    (("skip next",), r"^skip next section\b"),
    # a paywall's notice where the free part of the article ends ("La suite est réservée à nos
    # abonnés. Déjà abonné ? Se connecter")
    (("abonné",), r"\bréservée? (?:à nos|aux) abonnés|\bdéjà abonné"),
    (("subscriber",), r"\b(?:already a subscriber|(?:available|exclusive) (?:only )?(?:to|for) subscribers|for subscribers only)\b"),
    (("abonnent",), r"\b(?:bereits|schon) abonnent|\bnur für abonnenten\b"),
    (("suscriptor",), r"\bya eres suscriptor|\bexclusiv[oa] para suscriptores\b"),
    (("abbonat",), r"\bsei già abbonato|\briservat[oa] agli abbonati\b"),
    (("assinante",), r"\bjá é assinante|\bexclusiv[oa] para assinantes\b"),
    (("abonnee",), r"\bal abonnee\b|\balleen voor abonnees\b"),
    (("gallery",), r"\b(?:see|view) (?:the )?full gallery\b"),
    # a site's plea to be followed on Google News ("Follow TechRadar on Google News", "Add … to your
    # Google News feed", "Cek berita … di Google News"): said of the site, never of the story
    (("google news",), r"\b(?:follow|add|choose|ikuti|cek|folgen|folge|suivez|segui|siga|sigue)\b.{0,60}\bgoogle news\b|"
                       r"\bgoogle news\b.{0,40}\b(?:feed|preferred source|folgen|abonnieren)\b"),
    # an ad slot's label inside the article ("This advertisement has not loaded yet, but your article
    # continues below.")
    (("continues below",), r"\b(?:story|article) continues below\b"),
    (("advertisement has not",), r"\badvertisement has not loaded\b"),
    # an ad blocker's notice and a membership pitch ("Using an ad blocker?", "Want to see fewer ads?")
    (("adblock", "ad block"), r"\busing an? ad ?blocker|\bad ?block(?:er)? (?:users|detected|is (?:on|enabled))|"
     r"\b(?:disable|turn off|pause) (?:your )?ad ?block"),  # (not the words themselves: a story may be about them)
    (("fewer ads",), r"\bsee fewer ads\b"),
    (("become a",), r"^become a (?:member|subscriber)(?: today| now)?[.!]?$"),
    (("copy",), r"\bcopy/paste\b"),
    (("copy",), r"\bcopy to clipboard\b"),
    (("embed",), r"\bembed (?:link|code)\b"),
    (("click",), r"\bclick here\b"),
    (("unsubscribe",), r"\bunsubscribe\b"),
    (("newsletter",), r"\bjoin (?:our|the)\b.*\bnewsletter\b"),
    (("no spam",), r"\bno spam\b"),
    (("i agree",), r"^i agree\b"),
    (("cliq", "klick", "clic", "klik"), r"^(?:clique|cliquez|klicken sie|haga clic|haz clic|clicca|klik)\b"),
    (("follow us",), r"\bfollow us\b"),
    (("download",), r"\bdownload (?:our|the) app\b"),
    (("javascript",), r"\bjavascript\b.*\b(?:enable|disabled|browser)\b"),
    (("javascript",), r"\b(?:enable|activate|turn on) javascript\b"),
    (("browser",), r"\byour browser\b"),
    (("this video", "this content"), r"\bthis (?:video|content) is (?:not )?(?:available|supported)\b"),
    (("playback",), r"\bmedia playback\b"),
    (("datenschutz",), r"\bdatenschutz"),
    (("vorbehalten",), r"\balle rechte vorbehalten\b"),
    (("réservés",), r"\btous droits réservés\b"),
    (("reservados",), r"\btodos los derechos reservados\b"),
    (("riservati",), r"\btutti i diritti riservati\b"),
    (("voorbehouden",), r"\balle rechten voorbehouden\b"),
    (("reservados",), r"\btodos os direitos reservados\b"),
    (("confidentialité",), r"\bpolitique de confidentialité\b"),
    (("privacidad",), r"\bpolítica de privacidad\b"),
    (("abonnieren",), r"\bnewsletter abonnieren\b"),
    (("abonnieren",), r"\bjetzt abonnieren\b"),
    (("plus d'articles",), r"\bplus d'articles\b"),
    (("opt",), r"\bopt[- ]in\b"),
    (("inbox",), r"\binbox\b"),
    (("like to hear",), r"\bwe'd like to hear\b"),
    (("editor",), r"\bletters? to the editor\b"),
    (("report an error",), r"\breport an error\b"),
    (("click",), r"\bclick to (?:share|email|print|tweet)\b"),
    (("window",), r"\bopens in (?:a )?new window\b"),
    (("tip",), r"\bsend us a tip\b"),
    (("comment",), r"\bcommenting\b"),
    (("comment",), r"\bcomments? (?:are|have been) (?:closed|disabled)\b"),
    # "Save this article and read it later": a reading-list notice, prose-shaped and often
    # printed between a teaser and the headline, so it must not start the body.
    (("save",), r"\bsave (?:this )?(?:article|story) (?:and|to|for)\b"),
    (("save",), r"\bsaved (?:articles|stories)\b"),
    (("salva",), r"\bsalva (?:questo )?articolo\b"),
    (("salva",), r"\barticoli salvati\b"),
    (("merken",), r"\bartikel merken\b"),
    (("gespeichert",), r"\bgespeicherten? artikel\b"),
    (("sauvegard",), r"\bsauvegarder (?:cet )?article\b"),
    (("sauvegard",), r"\barticles sauvegardés\b"),
    (("guardar",), r"\bguardar (?:este )?art[ií]culo\b"),
    (("guardados",), r"\bart[ií]culos guardados\b"),
)

# "Jane Doe is a reporter for …": the author's note under an article, not part of it.
AUTHOR_BIO = rx.compile(
    r"^[A-ZÀ-Ý][\w.'’ -]{2,60}(?:\s\([^)]*\))? (?:is|was|writes|covers) (?:a |an |the )?[\w ,'’&-]{0,60}?"
    r"\b(?:reporter|writer|editor|correspondent|contributor|columnist|journalist|author|curator|producer|host|fellow)\b",
)

# Cheap substring test run before the phrases: each phrase contains one of these.
BOILERPLATE_HINTS = tuple(sorted({hint for hints, _pattern in BOILERPLATE_RULES for hint in hints}))

# Lines that open a comment thread or mark the end of the article proper. Prose after these is
# readers' talk, not the article, so the body never runs across one.
END_MARKERS = rx.compile(
    r"^\d+\s+response\s*:?$|"  # "1 Response"; a bare "Response" is as often a section's heading
    r"^(?:\d+\s+)?(?:comments?|responses|replies|reactions|kommentare?|commentaires?|comentarios?|commenti|"
    r"reacties|comentários?)(?:\s*\(\d+\))?\s*:?$|"
    r"^\d+\s+(?:comments?|responses?|replies|thoughts?) (?:to|on)\b|^there (?:are|is) (?:\d+|one|no) (?:comments?|responses?|repl(?:y|ies))$|"
    r"^(?:[\w'’]+ ){0,2}comments?(?: \(\d+\))?$|^(?:read|view|show|see|load) (?:all|more) comments|"
    r"^(?:leave|post|add|write) a (?:reply|comment)|^(?:show|view|load|read|see) (?:all )?(?:\d+ )?comments|"
    r"^about the authors?$|^über (?:den autor|die autorin(?:nen)?|die autor:?innen|die autor:in|die autoren)$|"
    r"^à propos de l'auteur|^sobre (?:el autor|la autora|o autor|a autora)$|^sull'autore$|^over de auteur$|"
    r"^join the (?:conversation|discussion)|^comments are closed|^(?:schreibe|hinterlasse) einen kommentar|"
    r"^laisser un commentaire|^deja (?:un|tu) comentario|^(?:enviá|envía|escribí|escribe) tu comentario$|^lascia un commento|^deixe (?:um|seu) comentário",
    # applied to a line's key (lower case, surrounding punctuation removed)
)
# A comment's header: "thelastchargersfan says:", "Gary M on September 17, 2018 at 8:50 pm said:".
COMMENT_HEADER = rx.compile(r"\b(?:says|said|wrote|commented|schreibt|a écrit|escribió|dice|disse|schreef)\s*:$")

# Headings that introduce a list of other stories ("You might also like").
RELATED_HEADINGS = rx.compile(
    r"^(?:you (?:might|may) (?:also )?like|related(?: (?:articles|stories|content|news|coverage|topics))?|"
    r"more (?:on this story|from [\w .'-]+|stories|news|on this topic)|read more|read next|up next|recommended(?: for you)?|"
    r"(?:most )?(?:read|popular|viewed)(?: (?:in|on|from) [\w .'&-]{2,30})?|top stories|see also|further reading|"
    r"auch interessant|mehr zum thema|das könnte (?:sie|dich) auch interessieren|lesen sie auch|weitere artikel|"
    r"à lire aussi|lire aussi|sur le même sujet|dans la même rubrique|vous aimerez aussi|"
    r"te puede interesar|también te puede interesar|noticias relacionadas|lee también|más noticias|"
    r"potrebbe interessarti|leggi anche|articoli correlati|ti potrebbe interessare|"
    r"lees ook|meer over dit onderwerp|gerelateerde artikelen|"
    r"leia também|veja também|notícias relacionadas|relacionadas|mais lidas|"
    r"(?:more|next up|trending|latest|popular|top|recent)\b.{0,40}\b(?:stories|news|articles|posts|videos|reads)|"
    r"next up(?: in .{1,30})?|trending(?: now| news| stories)?|editor'?s? picks?)\s*:?$",
    re.I,
)


# A table of contents' heading: the short lines under it name the article's sections (or, on a
# live blog, its posts), so none of them is the headline or the byline.
# A Chinese, Japanese or Korean character: scripts written without spaces between words.
CJK_CHAR = rx.compile(r"[\u3040-\u30ff\u3400-\u9fff\uac00-\ud7af]")

TOC_HEADING = rx.compile(
    r"^(?:table of contents|contents|in this (?:article|story|post|guide)|on this page|inhaltsverzeichnis|"
    r"in diesem artikel|sommaire|table des matières|dans cet article|índice|contenidos?|en este artículo|"
    r"indice|in questo articolo|inhoud(?:sopgave)?|in dit artikel|sumário|neste artigo)\s*:?$",
    re.I,
)
TOC_REACH = 60  # lines after the heading that may still be entries

# Footer links that end a list of related headlines ("Complaints & corrections", "Contact us").
FOOTER_LINK = rx.compile(
    r"^(?:complaints?(?: (?:&|and) corrections)?|corrections|contact(?: us)?|about(?: us)?|terms(?: of (?:use|service))?|"
    r"terms (?:&|and) conditions|privacy(?: policy| notice| settings)?|cookies?(?: policy| settings)?|advertise(?: with us)?|"
    r"careers|jobs|accessibility(?: help)?|sitemap|site map|help|faq|impressum|datenschutz|kontakt|mentions légales|"
    r"aviso legal|contatti|privacybeleid|política de privacidade)$",
    re.I,
)
