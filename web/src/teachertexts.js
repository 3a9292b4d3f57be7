// French texts of the teacher's page (/classe), in one place. Teachers are
// spoken to with « vous »; pupils (texts.js) with « tu ».

// The levels of CLASS_CREATE (docs/PROTOCOL.md §3, "Classes"): [wire id, French label].
export const LEVELS = [
  ["6e", "6e"], ["5e", "5e"], ["4e", "4e"], ["3e", "3e"], ["2de", "Seconde"], ["1re", "Première"],
  ["Tle", "Terminale"], ["CAP", "CAP"], ["autre", "Autre niveau"],
];
export const levelLabel = (id) => (LEVELS.find(([k]) => k === id) || [id, id])[1];

// Letters of the join code are grouped by four: « KMPR TXWA ».
const spaced = (code) => String(code || "").replace(/(.{4})(?=.)/g, "$1 ");

export const TT = {
  noToken: "Pour ouvrir votre espace, utilisez le lien personnel envoyé par les organisateurs du salon.",
  tokenRefused: "Ce lien n'est plus valable (expiré ou annulé). Demandez-en un nouveau aux organisateurs du salon.",
  staffDisabled: "La connexion enseignant n'est pas ouverte sur ce salon. Contactez les organisateurs.",
  ticketRefused: "Le salon a refusé la connexion enseignant. Rechargez la page ; si cela continue, demandez un nouveau lien aux organisateurs.",
  ticketUnavailable: "Le salon ne répond pas pour le moment. Réessayez dans un instant.",
  signingIn: "Connexion…",
  connected: "Connecté",
  disconnected: "Déconnecté",
  notConnected: "Pas de connexion au salon pour le moment : réessayez dans un instant.",
  zoneError: "Impossible de charger le plan de l'usine. Vérifiez la connexion puis rechargez la page.",
  signedInAs: (name) => `Connecté en tant que ${name}`,
  nameMissing: "Écrivez le nom de la classe.",
  levelMissing: "Choisissez le niveau de la classe.",
  classTitle: (name, level) => (level ? `${name} (${level})` : name),
  spacedCode: spaced,
  spelledCode: (code) => `Code : ${String(code || "").split("").join(" ")}`,
  gathering: "Les élèves connectés arrivent près de vous.",
  follow: "Suivez-moi",
  followStop: "Arrêter la visite guidée",
  followOn: "Visite guidée en cours : les élèves vous suivent.",
  pause: "Pause",
  pauseStop: "Reprendre la visite",
  pauseOn: (s) => `Pause en cours : fin dans ${Math.floor(s / 60)} min ${String(s % 60).padStart(2, "0")} s.`,
  yes: "oui",
  no: "non",
  stepOf: (step, total, done) => (total ? (done || step >= total ? `terminé (${total} / ${total})` : `${step} / ${total} étapes`) : "pas de parcours"),
  notTeacher: "Ce lien n'est pas celui d'un enseignant. Demandez aux organisateurs du salon un lien enseignant.",
  badClass: "Le salon a refusé cette demande (nom, niveau ou parcours non valable).",
  nameRefused: "Ce nom de classe n'est pas accepté : écrivez par exemple « 4e B », sans nom d'élève ni mot grossier.",
  notAllowed: "Cette action n'est pas permise pour cette classe.",
  unavailable: "Le salon ne répond pas pour le moment : réessayez dans un instant.",
  tooFast: "Trop de demandes à la suite : attendez un instant.",
  close: "Fermer la classe",
  reopen: "Rouvrir la classe",
  closedNote: "Classe fermée : le code ne marche plus, personne d'autre ne peut la rejoindre. Les élèves déjà dedans y restent.",
  classLine: (c) => `${c.level ? `${c.name} (${c.level})` : c.name} : ${c.pupils} élève${c.pupils > 1 ? "s" : ""}${c.closed ? ", fermée" : ""}`,
  open: "Ouvrir",
  classDone: (done, all) => `Parcours fini par ${done} élève${done > 1 ? "s" : ""} sur ${all}.`,
  openClass: (name) => `Ouvrir la classe ${name}`,
  pupilsSummary: (online, all) => `${online} connecté${online > 1 ? "s" : ""} sur ${all} élève${all > 1 ? "s" : ""}`,
  readyRouteName: (label) => `Défi ${label}`,
  routeReady: (label, n) => `Parcours « ${label} » : ${n} étape${n > 1 ? "s" : ""}. Modifiez-le si besoin, puis donnez-le à la classe.`,
  routeFull: (n) => `${n} étapes au plus.`,
  routeEmpty: "Ajoutez au moins une étape.",
  routeSent: (n) => `Parcours donné à la classe : ${n} étape${n > 1 ? "s" : ""}.`,
  stepUp: (t) => `Monter « ${t} »`,
  stepDown: (t) => `Descendre « ${t} »`,
  stepRemove: (t) => `Retirer « ${t} »`,
  chatSaved: (classOn, nearbyFree) => `Tchat de la classe ${classOn ? "ouvert" : "fermé"} ; texte libre entre élèves proches ${nearbyFree ? "permis" : "fermé"}.`,
  chatRefused: "Le réglage du tchat n'a pas été pris : réessayez.",
};
