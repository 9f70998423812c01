"""Which undeclared columns hold personal data, judged by their header (docs/contract.md section
3.6).

A dialect declares its personal columns; an export may carry more (`Traveller Email`,
`Passenger Home Address`, a JSON key `contactPhone`). Such an extra column would otherwise be
kept in clear in `_extra`, so its header is read against `RULES`, in order, first match wins:

- e-mail (e-mail, mail, courriel, correo): pseudonymised, always;
- phone (phone, tel, mobile, fax, téléphone, teléfono, móvil, Telefon, Handy, telefone,
  telemóvel, celular): pseudonymised, always;
- passport (passeport, pasaporte, Reisepass, passaporte): pseudonymised, always;
- identity document (national id, identity card, social security, DNI, cédula,
  Personalausweis, CPF, driving licence, card number, Personalnummer, matricule):
  pseudonymised, always;
- date of birth (DOB, birth, naissance, nacimiento, Geburtsdatum, nascimento): dropped,
  always;
- address (address, street, postcode, zip, adresse, rue, code postal, dirección, calle,
  Anschrift, Straße, PLZ, endereço, rua, CEP): dropped, always;
- a person's id (id, no, number, code, login, numéro, número, Nummer): pseudonymised when
  the header has a person word (`Employee No`, `Numéro du voyageur`);
- name (name, surname, initials, nom, prénom, nombre, apellido, Vorname, Nachname, nome,
  sobrenome): pseudonymised when the header has a person word (`Traveller Name`, `Nombre del
  pasajero`) or is bare (`Name`, `Full Name`, `Nom de famille`, `Primer apellido`, `Name 1`);
- person: a bare person word (`Traveller`, `Contact Person`, `Ansprechpartner`) or `<verb>
  by` (`Booked By`, `Erstellt von`, `Créé par`): pseudonymised.

*Person words* name someone: traveller, passenger, employee, staff, driver, requester, buyer,
technician, contact, user, holder, guest, approver, manager, ... in the five languages
(`PERSON`). A *bare* header has no other word than stopwords and qualifiers (`Full Name`,
`First Name`, `Nom de famille`). So `Hotel Name`, `Vendor Name`, `Site Name`, `Cost Centre
Name`, `Project Name` and `Nombre de noches` are not personal: the name is of a thing.
E-mail addresses, phone numbers and postal addresses are personal whatever they belong to: a
supplier's contact address is often a person's, and no figure uses them.

Identifiers and names are pseudonymised (keyed HMAC, `connectors/pseudonym.py`), as the
declared `Traveller Name`, `Employee ID` and `Technician` are: the same person keeps one
pseudonym across files, so per-person counts stay possible, and an extra name column may be
the only key to a person its file has (the declared fuel-card `Driver Name` and Concur's name
parts are dropped because the card number and employee id beside them are that key). Dates
of birth and postal addresses are dropped, as Concur's mileage addresses are: a pseudonym of
them would serve no count.

Headers are compared as lower-case ASCII words: accents removed, `ß` as `ss`, camelCase
and punctuation split (`E-Mail-Adresse` is `e mail adresse`, `contactEmail` is `contact
email`), German compounds split before `name`, `nummer`, `adresse` and `anschrift`
(`Fahrername` is `fahrer name`). A JSON key path (`statement.contact.phone`, no spaces) is
judged by all its words, and a person word alone is looked for in its last key
(`statement.contact`), so `site.name` is a site's name. A header the rules miss is kept
in `_extra` as before: free text typed into a non-personal column (`Remarks`) is a known
limit (docs/reliability.md).
"""

import re
import unicodedata
from dataclasses import dataclass
from typing import Literal

from connectors.base import Personal

PERSON = (
    # English
    "traveller", "traveler", "passenger", "pax", "guest", "employee", "staff", "personnel",
    "driver", "requester", "requestor", "requisitioner", "buyer", "purchaser", "technician",
    "engineer", "contact", "user", "holder", "cardholder", "owner", "approver", "manager",
    "supervisor", "person", "people", "member", "beneficiary", "claimant", "consultant",
    "attendee", "participant", "delegate", "recipient", "applicant", "agent", "booker",
    # French
    "voyageur", "voyageuse", "passager", "passagere", "employe", "salarie", "conducteur",
    "chauffeur", "demandeur", "acheteur", "technicien", "utilisateur", "titulaire",
    "personne", "beneficiaire", "invite",
    # Spanish
    "viajero", "viajera", "pasajero", "pasajera", "empleado", "empleada", "funcionario",
    "chofer", "solicitante", "comprador", "tecnico", "contacto", "usuario", "titular",
    "persona", "beneficiario", "huesped",
    # German
    "reisende", "reisender", "reisenden", "passagier", "fahrgast", "mitarbeiter",
    "mitarbeiterin", "mitarbeitende", "angestellte", "angestellter", "fahrer", "fahrerin",
    "anforderer", "besteller", "einkaufer", "techniker", "ansprechpartner", "kontakt",
    "kontaktperson", "benutzer", "nutzer", "inhaber", "karteninhaber", "gast",
    "antragsteller", "empfanger",
    # Portuguese
    "viajante", "passageiro", "passageira", "funcionaria", "empregado", "motorista",
    "condutor", "contato", "utilizador", "pessoa", "hospede",
)  # fmt: skip
NAME_WORDS = (
    "name", "surname", "forename", "initial", "nom", "prenom", "nombre", "apellido", "nome",
    "sobrenome", "apelido",
)  # fmt: skip
# Words that only say which part of a name, which person or what about them a column holds.
QUALIFIERS = (
    "full", "first", "last", "given", "family", "middle", "maiden", "nick", "sur", "fore",
    "complete", "legal", "display", "lead", "main", "primary", "principal", "other",
    "additional", "info", "information", "details", "data", "famille", "complet", "pila",
    "primer", "segundo", "completo", "primeiro", "ultimo", "vor", "nach", "zu", "familien",
    "ruf", "voller", "vollstandiger", "datos", "donnees", "daten", "dados",
)  # fmt: skip
STOPWORDS = (
    "of", "the", "and", "de", "du", "des", "d", "l", "la", "le", "les", "et", "del", "y", "da",
    "do", "dos", "das", "e", "der", "die", "den", "dem", "und",
)  # fmt: skip
BY = ("by", "von", "por", "par", "pelo", "pela")  # `Booked By`, `Erstellt von`, `Créé par`
COMPOUND_HEADS = ("name", "nummer", "adresse", "anschrift")
ID_WORDS = (
    r"id|ids|no|nr|num|number|code|login|badge|account|card|numero|nummer|identifiant"
    r"|identificador|identificacao|kennung"
)

Subject = Literal["always", "person", "person_or_bare", "bare"]


@dataclass(frozen=True)
class Rule:
    kind: str
    treatment: Personal
    words: str  # a regular expression, matched on whole words of the header
    subject: Subject = "always"  # when a header holding such words is personal

    def found_in(self, text: str) -> bool:
        return re.search(rf"\b(?:{self.words})\b", text) is not None


def alternatives(words: tuple[str, ...]) -> str:
    """One regular expression for the words and their plurals."""
    return "|".join(f"{w}s?" for w in words)


RULES: tuple[Rule, ...] = (
    Rule("e-mail", "pseudonymise", r"e ?mail\w*|mail|courriel|correo"),
    Rule(
        "phone",
        "pseudonymise",
        r"\w*phone\w*|tel|\w*telefon\w*|telefono|telemovel|celular|fax|movil|handy\w*"
        r"|(mobile?|cell)( (no|nr|number|nummer|phone))?$",
    ),
    Rule("passport", "pseudonymise", r"passport\w*|passeport|pasaporte|passaporte|reisepass\w*"),
    Rule(
        "identity document",
        "pseudonymise",
        r"national (id|identity|insurance|number)\w*|identity (card|number|document)"
        r"|id card|ssn|social security|securite sociale|seguridad social|seguranca social"
        r"|sozialversicherung\w*|\w*ausweis\w*|carte (nationale )?d identite|dni|cedula"
        r"|documento (nacional )?de identidad|cpf|bilhete de identidade|cartao de cidadao"
        r"|driv\w* licen[cs]e|fuhrerschein\w*|permis de conduire|licencia de conducir"
        r"|carta de conducao|card (no|nr|number|num)|karten ?nummer|numero de (la )?carte"
        r"|numero de (la )?tarjeta|numero do cartao|personal ?(nummer|nr)|matricule",
    ),
    Rule(
        "date of birth",
        "drop",
        r"dob|d o b|\w*birth\w*|\w*geburt\w*|naissance|nacimiento|nascimento",
    ),
    Rule(
        "address",
        "drop",
        r"\w*address\w*|street|postcode|post code|postal code|zip|zip code|zipcode|\w*adresse"
        r"|rue|code postal|direccion|domicilio|calle|codigo postal|\w*anschrift|\w*strasse"
        r"|plz|postleitzahl|wohnort|endereco|morada|rua|cep|domicile",
    ),
    Rule("person's id", "pseudonymise", ID_WORDS, "person"),
    Rule("name", "pseudonymise", alternatives(NAME_WORDS), "person_or_bare"),
    Rule("person", "pseudonymise", alternatives(PERSON) + "|" + "|".join(BY), "bare"),
)

_PERSON = re.compile(rf"^(?:{alternatives(PERSON)})$")
_NAME = re.compile(rf"^(?:{alternatives(NAME_WORDS)})$")
_IGNORED = re.compile(rf"^(?:{'|'.join(QUALIFIERS + STOPWORDS)}|\d+)$")
_BY = re.compile(rf"^\w+ (?:{'|'.join(BY)})$")


def words(header: str) -> str:
    """The header as lower-case ASCII words separated by single spaces (see the docstring)."""
    text = re.sub(r"(?<=[a-z0-9])(?=[A-Z])", " ", header.replace("ß", "ss"))
    text = unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode("ascii")
    split = []
    for word in re.findall(r"[a-z0-9]+", text.lower()):
        head = next((h for h in COMPOUND_HEADS if word.endswith(h) and len(word) > len(h)), None)
        split += [word[: -len(head)], head] if head else [word]
    return " ".join(split)


def last_key(header: str) -> str:
    """A JSON key path's last key (`statement.contact` -> `contact`); else the header."""
    if re.search(r"\s", header) or "." not in header:
        return header
    return next((k for k in reversed(header.split(".")) if k), header)


def is_bare(text: str, vocabulary: re.Pattern) -> bool:
    """Only `vocabulary` words besides qualifiers and stopwords, and at least one of them."""
    kept = [w for w in text.split() if not _IGNORED.match(w)]
    return bool(kept) and all(vocabulary.match(w) for w in kept)


def classify(header: str) -> Rule | None:
    """The rule by which an undeclared column with this header is personal, else None."""
    text, last = words(header), words(last_key(header))
    about_a_person = any(_PERSON.match(w) for w in text.split())
    for rule in RULES:
        if not rule.found_in(text):
            continue
        if (
            rule.subject == "always"
            or (rule.subject == "person" and about_a_person)
            or (rule.subject == "person_or_bare" and (about_a_person or is_bare(text, _NAME)))
            or (rule.subject == "bare" and (is_bare(last, _PERSON) or _BY.match(last)))
        ):
            return rule
    return None
