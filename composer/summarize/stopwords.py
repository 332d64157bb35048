"""Stop words for the supported languages, written for this project (function words are facts of
the language, not anyone's list).

Why in a module and not a data file: the lists are small, import in microseconds, and ship with the
package without any package-data configuration. They serve three purposes: content-word overlap
between sentences, keyword candidates (a keyword never starts or ends with a stop word) and
hashtags (a stop word is never a hashtag), plus the sentence splitter's guess of what opens a
sentence. News-reporting verbs ("said", "says") are included because they carry no topic.
"""

from __future__ import annotations

from functools import lru_cache

_LISTS: dict[str, str] = {
    "en": """
a about above across after afterwards again against all almost alone along already also although always
am among amongst an and another any anybody anyhow anyone anything anyway anywhere are around as at back
be became because become becomes becoming been before beforehand behind being below beside besides between
beyond both but by can cannot could did do does doing done down during each either else elsewhere enough
etc even ever every everyone everything everywhere except few first for former formerly from further had
has have having he her here hereafter hereby herein hers herself him himself his how however i if in
indeed instead into is it its itself just last latter least less like many may me meanwhile might mine
more moreover most mostly much must my myself namely neither never nevertheless next no nobody none
noone nor not nothing now nowhere of off often on once one only onto or other others otherwise our ours
ourselves out over own per perhaps please quite rather really same says said say saying see seem seemed
seeming seems several she should since so some somehow someone something sometime sometimes somewhere
still such than that the their theirs them themselves then thence there thereafter thereby therefore
therein these they this those though through throughout thru thus to together too toward towards under
until up upon us very via was we well were what whatever when whence whenever where whereas whereby
wherein whether which while whither who whoever whole whom whose why will with within without would yet
you your yours yourself yourselves told tell also new year years time times told according get got make
made mr mrs ms dr yesterday today tomorrow monday tuesday wednesday thursday friday saturday sunday week
weeks day days month months including include includes around two three four five six seven eight nine
ten it's don't didn't doesn't isn't wasn't can't won't i'm he's she's that's there's they're we're
we've i've you're let's s t ve ll re d m january february march april may june july august september
october november december mr. mrs. ms. dr. cent percent per i'd i'll you'll he'll she'll
we'll they'll you've they've

""",
    "de": """
aber alle allem allen aller alles als also am an ander andere anderem anderen anderer anderes anderm
andern anders auch auf aus bei beim bin bis bist bereits da dabei dadurch dafür dagegen daher dahin
damals damit danach daneben dann daran darauf daraus darf darin darum darunter das dass dasselbe davon
davor dazu dein deine deinem deinen deiner deines dem demselben den denn denselben der derer derselbe
derselben des desselben dessen deshalb dich die dies diese dieselbe dieselben diesem diesen dieser
dieses dir doch dort du durch ein eine einem einen einer eines einig einige einigem einigen einiger
einiges einmal er es etwa etwas euch euer eure eurem euren eurer eures für gegen gewesen hab habe haben
hat hatte hatten hier hin hinter ich ihm ihn ihnen ihr ihre ihrem ihren ihrer ihres im immer in indem
ins ist ja jede jedem jeden jeder jedes jedoch jene jenem jenen jener jenes jetzt kann kein keine
keinem keinen keiner keines können könnte machen man manche manchem manchen mancher manches mein meine
meinem meinen meiner meines mich mir mit muss musste nach nachdem nicht nichts noch nun nur ob oder
ohne schon sehr sein seine seinem seinen seiner seines selbst sich sie sind so solche solchem solchen
solcher solches soll sollte sondern sowie über um und uns unser unsere unserem unseren unserer unseres
unter viel vom von vor während war waren warst was weg weil weiter welche welchem welchen welcher
welches wenn werde werden wie wieder will wir wird wirst wo wollen wollte würde würden zu zum zur zwar
zwischen sagte sagt sagen laut heute gestern morgen jahr jahre jahren neue neuen neuer mehr seit wurde
wurden worden januar februar märz april mai juni juli august september oktober november dezember
montag dienstag mittwoch donnerstag freitag samstag sonntag herr frau ab beim bzw sowohl ebenfalls sei seien hätte hätten wäre wären gibt gab geht ging
""",
    "fr": """
a à afin ai aie aient aies ait alors as au aucun aucune auquel aura aurai auraient aurais aurait auras
aurez auriez aurons auront aussi autre autres aux auxquelles auxquels avaient avais avait avant avec
avez aviez avions avoir avons ayant ce ceci cela celle celles celui cependant certain certaine certaines
certains ces cet cette ceux chaque chez ci comme comment contre d dans de depuis des desquelles desquels
dessous dessus deux doit donc dont du duquel durant dès elle elles en encore entre est et étaient étais
était étant été être eu eue eues eurent eus eut eux fait faire fois font hors il ils j je jusqu jusque
l la là laquelle le lequel les lesquelles lesquels leur leurs lors lorsque lui m ma mais me même mêmes
mes moi moins mon n ne ni nos notre nous on ont or ou où par parce parmi pas pendant peu peut peuvent
plus plusieurs pour pourquoi puis qu quand que quel quelle quelles quels qui quoi s sa sans se selon ses
si sien son sont sous soit sur t ta tandis te tel telle telles tels tes toi ton tous tout toute toutes
très trop tu un une vers via voici voilà vos votre vous y c ç dit déclaré a-t-il selon après avant
aujourd hier demain année ans an nouveau nouvelle également ainsi alors cette janvier février mars avril
mai juin juillet août septembre octobre novembre décembre lundi mardi mercredi jeudi vendredi samedi
dimanche m mme
""",
    "es": """
a al algo algunas algunos ante antes aquel aquella aquellas aquellos aquí así aunque cada casi como con
contra cual cuales cualquier cuando cuanto de del desde donde dos durante e el él ella ellas ellos en
entre era eran es esa esas ese eso esos esta está están estaba estaban estar este esto estos fue fueron
fui ha había habían han hasta hay la las le les lo los más me mi mis mientras muy nada ni no nos
nosotros nuestra nuestro o otra otras otro otros para pero poco por porque que qué quien quienes se
sea ser si sí sido siempre sin sobre son su sus también tan tanto te tiene tienen todo todos tras tu
tus un una uno unos usted ustedes y ya yo dijo según afirmó aseguró además año años ayer hoy mañana
nuevo nueva ser sus hace había cómo dónde cuándo ese esta sino luego pues u enero febrero marzo abril
mayo junio julio agosto septiembre octubre noviembre diciembre lunes martes miércoles jueves viernes
sábado domingo sr sra
""",
    "it": """
a ad agli ai al alla alle allo anche ancora avere aveva avevano che chi ci come con contro cosa così
cui da dagli dai dal dalla dalle dallo degli dei del della delle dello dentro di dopo dove e è ed
era erano essere fa fino gli ha hanno i il in io la le lei li lo loro lui ma me mentre mi mia mie miei
mio molto ne negli nei nel nella nelle nello noi non nostra nostro o ogni per perché però più poi
prima proprio qua quale quali qualche quando quanto quella quelle quelli quello questa queste questi
questo qui se sei senza si sia siamo sono sopra sotto stato stata stati su sua sue sugli sui sul
sulla sulle suo suoi tra tu tutta tutte tutti tutto un una uno vi voi detto ha detto secondo anni
anno oggi ieri domani nuovo nuova essere stato fatto già poiché sempre tanto l un' d c' dell' nell'
all' sull' dall' gennaio febbraio marzo aprile maggio giugno luglio agosto settembre ottobre novembre
dicembre lunedì martedì mercoledì giovedì venerdì sabato domenica
""",
    "nl": """
aan al alle alles als altijd andere ben bij daar dan dat de der deze die dit doch doen door dus een
eens en er ge geen geweest haar had heb hebben heeft hem het hier hij hoe hun iemand iets ik in is ja
je kan kon kunnen maar me meer men met mij mijn moet na naar niet niets nog nu of om omdat ons ook op
over reeds te tegen toch toen tot u uit uw van veel voor want waren was wat we wel werd wezen wie wij
wil worden wordt zal ze zei zegt zelf zich zij zijn zo zonder zou volgens jaar jaren vandaag gisteren
morgen nieuwe nieuw twee drie onder tussen tijdens sinds waar waarom welke hoe zoals echter alleen
januari februari maart april mei juni juli augustus september oktober november december maandag
dinsdag woensdag donderdag vrijdag zaterdag zondag
""",
    "pt": """
a à ao aos aquela aquelas aquele aqueles aquilo as às até com como contra da das de dela delas dele
deles depois do dos e é ela elas ele eles em entre era eram essa essas esse esses esta está estão
estas este estes eu foi foram há isso isto já lhe lhes mais mas me mesmo meu meus minha minhas muito
na nas não nem no nos nós nossa nossas nosso nossos num numa o os ou para pela pelas pelo pelos por
qual quando que quem se sem ser seu seus só sua suas também te tem têm teu tua tuas um uma umas uns
você vocês vos disse afirmou segundo ano anos hoje ontem amanhã novo nova sobre ainda após cada onde
porque porém pois sido ter tinha tinham janeiro fevereiro março abril maio junho julho agosto setembro
outubro novembro dezembro segunda terça quarta quinta sexta sábado domingo segunda-feira terça-feira
quarta-feira quinta-feira sexta-feira
""",
}


@lru_cache(maxsize=16)
def stopwords(lang: str) -> frozenset[str]:
    """Lower-case stop words for ``lang``; English for languages without a list."""
    words = _LISTS.get(lang, _LISTS["en"]).split()
    return frozenset(w.lower() for w in words)


_CALENDAR = """
january february march april may june july august september october november december monday tuesday
wednesday thursday friday saturday sunday januar februar märz mai juni juli oktober dezember montag
dienstag mittwoch donnerstag freitag samstag sonntag janvier février mars avril juin juillet août
septembre octobre novembre décembre lundi mardi mercredi jeudi vendredi samedi dimanche enero febrero
marzo abril mayo junio julio agosto septiembre octubre noviembre diciembre lunes martes miércoles
jueves viernes sábado domingo gennaio febbraio aprile maggio giugno luglio settembre ottobre dicembre
lunedì martedì mercoledì giovedì venerdì sabato domenica januari februari maart mei augustus maandag
dinsdag woensdag donderdag vrijdag zaterdag zondag janeiro fevereiro março maio junho julho setembro
outubro novembro dezembro segunda terça quarta quinta sexta
"""


@lru_cache(maxsize=16)
def sentence_openers(lang: str) -> frozenset[str]:
    """Stop words that typically open a sentence ("The", "He", "But"), for the splitter's guesses.

    Day and month names are stop words for keywords but not openers: "at 5 p.m. Monday" goes on.
    """
    return stopwords(lang) - frozenset(_CALENDAR.split())


# Nouns that are real content words but make useless hashtags: nobody follows "#City" or "#Study".
# They stay keywords (they help overlap and the keyword list) and are only kept out of hashtags.
# One list for all languages: the words rarely collide across languages, and a French article
# quoting "people" gains nothing from "#People" either.
_GENERIC = """
city town roof study people person year time report plan day week month part place way thing things
man woman men women world area number group family home house building case point end lot lots
news story issue problem government official officials spokesman spokeswoman statement council
country state region member members level use work life health money cost price rate figure figures
side team club season game match result results data system service services idea information
process question second first last old late high higher great good best better big small large
stadt jahr jahre zeit bericht plan tag woche monat teil ort weg mensch menschen leute frau mann
welt gebiet zahl gruppe familie haus gebäude fall ende geld regierung land mehrheit schüler kinder
ville année an ans temps rapport projet jour semaine mois partie lieu chose gens personne personnes
homme femme monde zone nombre groupe famille maison bâtiment cas fin argent gouvernement pays centre
ciudad año años tiempo informe plan día semana mes parte lugar cosa gente persona personas hombre
mujer mundo zona número grupo familia casa edificio caso fin dinero gobierno país centro
città anno anni tempo rapporto piano giorno settimana mese parte luogo cosa gente persona persone
uomo donna mondo zona numero gruppo famiglia casa edificio caso fine soldi governo paese centro
stad jaar jaren tijd rapport plan dag week maand deel plaats manier ding mensen persoon man vrouw
wereld gebied aantal groep familie huis gebouw geval einde geld regering land centrum water winter
cidade ano anos tempo relatório plano dia semana mês parte lugar coisa gente pessoa pessoas homem
mulher mundo área número grupo família casa edifício caso fim dinheiro governo país centro
water winter summer spring autumn weather
leben vie vida vita leven uhr
jan feb mar apr jun jul aug sep sept oct nov dec
version conseil consejo consiglio raad conselho
fear fears concern concerns worry worries hope hopes
continue editorial editorials update updates close future broke opinion opinions video videos photo photos
gallery comment comments live breaking latest home menu search login subscribe share story stories article
articles page blog post posts category categories tag tags section topic topics archive archives author
authors staff advertisement ads sponsored uncategorized general default main index misc other local
national international today feature features analysis review reviews explainer explainers premium content
front frontpage trend trends free company companies firm inc ltd llc corp co plc gmbh ag sa spa bv nv
surface makes make false true claim claims vehicle vehicles online business red green blue yellow black white
column columns letter letters podcast interview exclusive watch listen authorities authority
president ceo university value tracking guide cases spot
master bachelor degree degrees diploma doctorate
one two three four five six seven eight nine ten hundred thousand million ein eins zwei drei vier fünf
zehn hundert tausend un une deux trois quatre cinq dix cent mille uno dos tres cuatro cinco diez cien
mil due tre quattro cinque dieci cento mille een twee drie vier vijf tien honderd duizend um uma dois
duas três quatro cinco dez cem
"""


@lru_cache(maxsize=1)
def generic_nouns() -> frozenset[str]:
    """Lower-case nouns too vague to be a hashtag, in every supported language."""
    return frozenset(_GENERIC.split())
