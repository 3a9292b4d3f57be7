// French texts of the pupil's class, in one place (pupils are spoken to with « tu »).

const s = (n) => (n > 1 ? "s" : "");

export const CT = {
  codeMissing: "Écris le code de 8 lettres donné par ton prof.",
  notConnected: "Pas de connexion pour le moment : réessaie dans un instant.",
  className: (name, level) => (level ? `Tu es dans la classe ${name} (${level}).` : `Tu es dans la classe ${name}.`),
  joined: (name) => `Tu as rejoint la classe ${name} !`,
  stepOf: (i, n) => `Étape ${i + 1} sur ${n}`,
  routeDone: (n) => `Bravo, tu as fini le parcours de la classe : ${n} étape${s(n)} !`,
  newStep: (title) => `Prochaine étape du parcours : ${title}`,
  way: (m) => `à ${Math.round(m)} m`,
  arrived: "Tu y es : ouvre le point lumineux.",
  away: "pas connecté",
  gather: "Ton prof rassemble la classe : te voici à ses côtés.",
  following: (who) => (who ? `Tu suis ${who} pour une visite guidée.` : "Tu suis ton prof pour une visite guidée."),
  followEnded: "La visite guidée est terminée : tu peux te promener librement.",
  followStopped: "Tu ne suis plus ton prof. Tu peux te promener librement.",
  pauseLeft: (sec) => (sec > 0 ? `Reprise dans ${Math.floor(sec / 60)} min ${String(sec % 60).padStart(2, "0")} s au plus.` : "Reprise…"),
  pauseEnded: "Fin de la pause : la visite reprend.",
  classClosed: "Tu n'es plus dans la classe. Tu peux continuer la visite librement.",
  badCode: (left) => (left > 0
    ? `Ce code n'ouvre aucune classe : vérifie les 8 lettres avec ton prof. Encore ${left} essai${s(left)}.`
    : "Ce code n'ouvre aucune classe. C'était ton dernier essai : au prochain code faux, la connexion sera fermée."),
  codeTooFast: "Pas si vite : attends une seconde, puis réessaie ton code.",
  classFull: "Cette classe est fermée ou complète : demande à ton prof.",
  cannotJoin: "Tu ne peux pas rejoindre cette classe (tu es peut-être déjà dans une classe).",
  pausedWalk: "C'est la pause : attends la fin pour marcher.",
};
