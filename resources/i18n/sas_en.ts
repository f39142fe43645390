<?xml version="1.0" encoding="utf-8"?>
<!DOCTYPE TS>
<TS version="2.1" language="en_GB" sourcelanguage="fr_FR">
<context>
    <name>AppointmentsView</name>
    <message>
        <source>en attente</source>
        <translation>pending</translation>
    </message>
    <message>
        <source>réservé</source>
        <translation>booked</translation>
    </message>
    <message>
        <source>honoré</source>
        <translation>attended</translation>
    </message>
    <message>
        <source>non honoré</source>
        <translation>missed</translation>
    </message>
    <message>
        <source>annulé</source>
        <translation>cancelled</translation>
    </message>
    <message>
        <source>même créneau / effecteur</source>
        <translation>same slot / provider</translation>
    </message>
    <message>
        <source>recherche de créneaux</source>
        <translation>slot search</translation>
    </message>
    <message>
        <source>RDV</source>
        <translation>Appointment</translation>
    </message>
    <message>
        <source>Statut</source>
        <translation>Status</translation>
    </message>
    <message>
        <source>Effecteur</source>
        <translation>Provider</translation>
    </message>
    <message>
        <source>Catégorie</source>
        <translation>Category</translation>
    </message>
    <message>
        <source>Candidats</source>
        <translation>Candidates</translation>
    </message>
    <message>
        <source>Dossier</source>
        <translation>Case</translation>
    </message>
    <message>
        <source>Appelant</source>
        <translation>Caller</translation>
    </message>
    <message>
        <source>Patient</source>
        <translation>Patient</translation>
    </message>
    <message>
        <source>Commune</source>
        <translation>Town</translation>
    </message>
    <message>
        <source>Pourquoi</source>
        <translation>Why</translation>
    </message>
    <message>
        <source>Quand</source>
        <translation>When</translation>
    </message>
    <message>
        <source>Par</source>
        <translation>By</translation>
    </message>
    <message>
        <source>Téléphone</source>
        <translation>Phone</translation>
    </message>
    <message>
        <source>Rendez-vous non rattachés</source>
        <extracomment>The window-wide key that opens the dock (listed on the F1 sheet by :mod:`app.ui.shell.shortcuts`).</extracomment>
        <translation>Unattached appointments</translation>
    </message>
    <message>
        <source>Dossiers candidats</source>
        <translation>Candidate cases</translation>
    </message>
    <message>
        <source>Patients à rappeler</source>
        <translation>Patients to call back</translation>
    </message>
    <message>
        <source>&amp;Rappeler le patient (Entrée)</source>
        <translation>&amp;Call the patient back (Enter)</translation>
    </message>
    <message>
        <source>Fai&amp;t (Ctrl+Entrée)</source>
        <translation>&amp;Done (Ctrl+Enter)</translation>
    </message>
    <message>
        <source>Numéro à rappeler</source>
        <translation>Number to call back</translation>
    </message>
    <message>
        <source>Rendez-vous SAS non rattachés — Entrée : choisir le dossier, Entrée : rattacher</source>
        <translation>Unattached SAS appointments — Enter: choose the case, Enter: attach</translation>
    </message>
    <message>
        <source>À rappeler (rendez-vous annulé ou non honoré)</source>
        <translation>To call back (appointment cancelled or missed)</translation>
    </message>
    <message>
        <source>%d rendez-vous non rattaché(s), %d patient(s) à rappeler</source>
        <translation>%d unattached appointment(s), %d patient(s) to call back</translation>
    </message>
    <message>
        <source>Aucun dossier candidat : ouvrez le dossier puis rattachez depuis celui-ci</source>
        <translation>No candidate case: open the case, then attach from it</translation>
    </message>
    <message>
        <source>Rattachement non autorisé pour votre rôle</source>
        <translation>Attaching is not allowed for your role</translation>
    </message>
    <message>
        <source>numéro inconnu</source>
        <translation>unknown number</translation>
    </message>
    <message>
        <source>&lt;b style=&apos;font-size:16pt&apos;&gt;%s&lt;/b&gt; — dossier %s</source>
        <translation>&lt;b style=&apos;font-size:16pt&apos;&gt;%s&lt;/b&gt; — case %s</translation>
    </message>
    <message>
        <source>Rendez-vous SAS : %s</source>
        <translation>SAS appointments: %s</translation>
    </message>
    <message>
        <source>Rendez-vous SAS : erreur inattendue</source>
        <translation>SAS appointments: unexpected error</translation>
    </message>
    <message>
        <source>Rendez-vous SAS (F7)</source>
        <translation>SAS appointments (F7)</translation>
    </message>
</context>
<context>
    <name>BookingActions</name>
    <message>
        <source>Ré&amp;server (Entrée)</source>
        <translation>&amp;Book (Enter)</translation>
    </message>
    <message>
        <source>Re-réser&amp;ver (Ctrl+Maj+B)</source>
        <translation>Re-&amp;book (Ctrl+Shift+B)</translation>
    </message>
    <message>
        <source>Re-réserver le créneau choisi</source>
        <translation>Re-book the chosen slot</translation>
    </message>
    <message>
        <source>Annuler le rendez-vous du dossier et réserver le créneau choisi</source>
        <translation>Cancel the case&apos;s appointment and book the chosen slot</translation>
    </message>
    <message>
        <source>✔ Réservé : %s</source>
        <translation>✔ Booked: %s</translation>
    </message>
    <message>
        <source>Action non autorisée pour le rôle %s</source>
        <translation>Action not allowed for role %s</translation>
    </message>
    <message>
        <source>Réservation en cours : attendez la réponse du serveur</source>
        <translation>Booking in progress: wait for the server&apos;s answer</translation>
    </message>
    <message>
        <source>Sélectionnez un créneau dans la liste</source>
        <translation>Select a slot in the list</translation>
    </message>
    <message>
        <source>Ce dossier n&apos;a pas de rendez-vous à remplacer : Réserver (Entrée)</source>
        <translation>This case has no appointment to replace: Book (Enter)</translation>
    </message>
    <message>
        <source>Le dossier a changé : rien n&apos;est réservé</source>
        <translation>The case changed: nothing is booked</translation>
    </message>
    <message>
        <source>Réservation en cours…</source>
        <translation>Booking…</translation>
    </message>
    <message>
        <source>Rendez-vous remplacé (le précédent est annulé) : %s</source>
        <translation>Appointment replaced (the previous one is cancelled): %s</translation>
    </message>
    <message>
        <source>Créneau réservé : %s</source>
        <translation>Slot booked: %s</translation>
    </message>
    <message>
        <source>Serveur injoignable : le rendez-vous confirmé par téléphone n&apos;est PAS réservé. Il est noté dans le dossier ; réservez-le (Entrée) au retour du réseau.</source>
        <translation>Server unreachable: the appointment confirmed by phone is NOT booked. It is noted in the case; book it (Enter) once the network is back.</translation>
    </message>
    <message>
        <source>Rien n&apos;est réservé : %s La liste est mise à jour.</source>
        <translation>Nothing booked: %s The list is updated.</translation>
    </message>
    <message>
        <source>Rien n&apos;est réservé : %s</source>
        <translation>Nothing booked: %s</translation>
    </message>
    <message>
        <source>Créneau déjà pris : la liste est mise à jour</source>
        <translation>Slot already taken: the list is updated</translation>
    </message>
    <message>
        <source>Réservation impossible hors ligne : un créneau ne se réserve qu&apos;avec le serveur. Rien n&apos;a été envoyé ; réessayez au retour du réseau, ou enregistrez une décision sans créneau (Ctrl+D).</source>
        <translation>Booking impossible offline: a slot is booked only with the server. Nothing was sent; try again when the network is back, or record a decision without a slot (Ctrl+D).</translation>
    </message>
    <message>
        <source>Réservation impossible : %s</source>
        <translation>Booking failed: %s</translation>
    </message>
    <message>
        <source>Réservation impossible</source>
        <translation>Booking failed</translation>
    </message>
</context>
<context>
    <name>BookingConfirmDialog</name>
    <message>
        <source>Réserver le créneau</source>
        <translation>Book the slot</translation>
    </message>
    <message>
        <source>Réserver pour %s chez %s le %s ?</source>
        <translation>Book for %s with %s on %s?</translation>
    </message>
    <message>
        <source>Re-réserver : le rendez-vous actuel est annulé</source>
        <translation>Re-book: the current appointment is cancelled</translation>
    </message>
    <message>
        <source>Re-réserver pour %s chez %s le %s ? Le rendez-vous actuel (%s) sera annulé.</source>
        <translation>Re-book for %s with %s on %s? The current appointment (%s) will be cancelled.</translation>
    </message>
    <message>
        <source>Le rendez-vous sera inscrit dans l&apos;agenda du médecin chez %s.</source>
        <translation>The appointment will be written into the doctor&apos;s diary at %s.</translation>
    </message>
    <message>
        <source>Entrée confirme, Échap annule</source>
        <translation>Enter confirms, Esc cancels</translation>
    </message>
    <message>
        <source>Re-réserver (Entrée)</source>
        <translation>Re-book (Enter)</translation>
    </message>
    <message>
        <source>Réserver (Entrée)</source>
        <translation>Book (Enter)</translation>
    </message>
    <message>
        <source>Annuler (Échap)</source>
        <translation>Cancel (Esc)</translation>
    </message>
    <message>
        <source>le patient</source>
        <translation>the patient</translation>
    </message>
    <message>
        <source>M. %s</source>
        <translation>Mr %s</translation>
    </message>
    <message>
        <source>Mme %s</source>
        <translation>Mrs %s</translation>
    </message>
</context>
<context>
    <name>CallOutcomeDialog</name>
    <message>
        <source>Appel en sus des disponibilités</source>
        <translation>Call beyond the available slots</translation>
    </message>
    <message>
        <source>numéro inconnu</source>
        <translation>unknown number</translation>
    </message>
    <message>
        <source>Appeler %s</source>
        <translation>Call %s</translation>
    </message>
    <message>
        <source>Réponse de l&apos;effecteur :</source>
        <translation>The provider&apos;s answer:</translation>
    </message>
</context>
<context>
    <name>CallerRows</name>
    <message>
        <source>Téléphone de l&apos;appelant</source>
        <translation>Caller&apos;s phone</translation>
    </message>
    <message>
        <source>06 12 34 56 78, ou « masqué » (Ctrl+Maj+M)</source>
        <translation>06 12 34 56 78, or “hidden” (Ctrl+Shift+M)</translation>
    </message>
    <message>
        <source>Masqué</source>
        <translation>Hidden</translation>
    </message>
    <message>
        <source>Numéro masqué (Ctrl+Maj+M)</source>
        <translation>Hidden number (Ctrl+Shift+M)</translation>
    </message>
    <message>
        <source>Numéro de l&apos;appelant masqué</source>
        <translation>Caller&apos;s number hidden</translation>
    </message>
    <message>
        <source>Numéro de rappel</source>
        <translation>Callback number</translation>
    </message>
    <message>
        <source>Entrée : confirmer le rappel</source>
        <translation>Enter: confirm the callback</translation>
    </message>
    <message>
        <source>Con&amp;firmer (Ctrl+K)</source>
        <translation>Con&amp;firm (Ctrl+K)</translation>
    </message>
    <message>
        <source>Confirmer le rappel</source>
        <translation>Confirm the callback</translation>
    </message>
    <message>
        <source>État du numéro de rappel</source>
        <translation>Callback number state</translation>
    </message>
    <message>
        <source>Nom de l&apos;appelant</source>
        <translation>Caller&apos;s name</translation>
    </message>
    <message>
        <source>Nom, qualité (fils, voisin…)</source>
        <translation>Name, relation (son, neighbour…)</translation>
    </message>
    <message>
        <source>&amp;Téléphone appelant</source>
        <translation>Caller&apos;s &amp;phone</translation>
    </message>
    <message>
        <source>N&amp;uméro de rappel</source>
        <translation>Call&amp;back number</translation>
    </message>
    <message>
        <source>&amp;Nom de l&apos;appelant</source>
        <translation>Caller&apos;s &amp;name</translation>
    </message>
    <message>
        <source>Numéro masqué (Ctrl+Maj+M pour le saisir)</source>
        <translation>Hidden number (Ctrl+Shift+M to type it)</translation>
    </message>
    <message>
        <source>✔ Rappel confirmé</source>
        <translation>✔ Callback confirmed</translation>
    </message>
    <message>
        <source>⚠ Numéro masqué : numéro de rappel obligatoire (Entrée ou Ctrl+K)</source>
        <translation>⚠ Hidden number: a callback number is required (Enter or Ctrl+K)</translation>
    </message>
    <message>
        <source>⚠ Rappel non confirmé (Entrée ou Ctrl+K)</source>
        <translation>⚠ Callback not confirmed (Enter or Ctrl+K)</translation>
    </message>
</context>
<context>
    <name>CaseTimelineDialog</name>
    <message>
        <source>Chronologie du dossier %s</source>
        <extracomment>Colour of each kind&apos;s label, so the eye finds decisions and searches.</extracomment>
        <translation>Timeline of case %s</translation>
    </message>
    <message>
        <source>Chargement de la chronologie…</source>
        <translation>Loading the timeline…</translation>
    </message>
    <message>
        <source>Heure</source>
        <translation>Time</translation>
    </message>
    <message>
        <source>Type</source>
        <translation>Type</translation>
    </message>
    <message>
        <source>Par</source>
        <translation>By</translation>
    </message>
    <message>
        <source>Événement</source>
        <translation>Event</translation>
    </message>
    <message>
        <source>Chronologie du dossier</source>
        <translation>Case timeline</translation>
    </message>
    <message>
        <source>Échec : %s</source>
        <translation>Failed: %s</translation>
    </message>
    <message>
        <source>%d événement(s), du plus ancien au plus récent</source>
        <translation>%d event(s), oldest first</translation>
    </message>
    <message>
        <source>Dossier introuvable dans le cache du poste</source>
        <translation>Case not found in this desk&apos;s cache</translation>
    </message>
</context>
<context>
    <name>CaseViewWidget</name>
    <message>
        <source>Prendre en charge (Ctrl+Maj+G)</source>
        <extracomment>(act, French button text, key) of the buttons, in their order.</extracomment>
        <translation>Take in charge (Ctrl+Shift+G)</translation>
    </message>
    <message>
        <source>Libérer (Ctrl+Maj+U)</source>
        <translation>Release (Ctrl+Shift+U)</translation>
    </message>
    <message>
        <source>Priorité… (Ctrl+Maj+O)</source>
        <translation>Priority… (Ctrl+Shift+O)</translation>
    </message>
    <message>
        <source>Note… (Ctrl+Maj+N)</source>
        <translation>Note… (Ctrl+Shift+N)</translation>
    </message>
    <message>
        <source>Transmettre (Ctrl+T)</source>
        <translation>Hand over (Ctrl+T)</translation>
    </message>
    <message>
        <source>Clôturer… (Ctrl+Maj+W)</source>
        <translation>Close… (Ctrl+Shift+W)</translation>
    </message>
    <message>
        <source>Aucun dossier ouvert.
F6 : la file d&apos;attente (Entrée ouvre le dossier) ; Ctrl+N : nouvel appel.</source>
        <translation>No case open.
F6: the queue (Enter opens the case); Ctrl+N: new call.</translation>
    </message>
    <message>
        <source>Aucun dossier ouvert.
F6 : la file d&apos;attente (Entrée ouvre le dossier).</source>
        <translation>No case open.
F6: the queue (Enter opens the case).</translation>
    </message>
    <message>
        <source>Appel</source>
        <translation>Call</translation>
    </message>
    <message>
        <source>Appelant</source>
        <translation>Caller</translation>
    </message>
    <message>
        <source>Rappel</source>
        <translation>Callback</translation>
    </message>
    <message>
        <source>Adresse</source>
        <translation>Address</translation>
    </message>
    <message>
        <source>Commune</source>
        <translation>Town</translation>
    </message>
    <message>
        <source>Accès</source>
        <translation>Access</translation>
    </message>
    <message>
        <source>Motif</source>
        <translation>Reason</translation>
    </message>
    <message>
        <source>Priorité</source>
        <translation>Priority</translation>
    </message>
    <message>
        <source>Filière</source>
        <translation>Stream</translation>
    </message>
    <message>
        <source>Horloges</source>
        <translation>Clocks</translation>
    </message>
    <message>
        <source>Notes de l&apos;ARM et de la régulation</source>
        <translation>Notes from the call taker and regulation</translation>
    </message>
    <message>
        <source>Patients</source>
        <translation>Patients</translation>
    </message>
    <message>
        <source>Dossiers antérieurs (même numéro ou même adresse)</source>
        <translation>Earlier cases (same number or same address)</translation>
    </message>
    <message>
        <source>Événements</source>
        <translation>Events</translation>
    </message>
    <message>
        <source>Événements du dossier</source>
        <translation>Case events</translation>
    </message>
    <message>
        <source>Dossier</source>
        <translation>Case</translation>
    </message>
    <message>
        <source>Dossier %s — %s</source>
        <translation>Case %s — %s</translation>
    </message>
    <message>
        <source>Statut : %s</source>
        <translation>Status: %s</translation>
    </message>
    <message>
        <source>Pris en charge par %s depuis %s</source>
        <translation>Taken in charge by %s since %s</translation>
    </message>
    <message>
        <source>Personne n&apos;a ce dossier en charge</source>
        <translation>Nobody has this case in charge</translation>
    </message>
    <message>
        <source>Heures saisies à la main (pas d&apos;horloge du téléphone)</source>
        <translation>Times typed by hand (no phone clock)</translation>
    </message>
    <message>
        <source>Aucune note</source>
        <translation>No note</translation>
    </message>
    <message>
        <source>Aucun patient saisi</source>
        <translation>No patient entered</translation>
    </message>
    <message>
        <source>Aucun</source>
        <translation>None</translation>
    </message>
    <message>
        <source>En attente depuis %s</source>
        <translation>Waiting for %s</translation>
    </message>
    <message>
        <source>Décidé en %s</source>
        <translation>Decided in %s</translation>
    </message>
</context>
<context>
    <name>ConsoleStatusBar</name>
    <message>
        <source>État du téléphone</source>
        <translation>Phone state</translation>
    </message>
    <message>
        <source>Message</source>
        <translation>Message</translation>
    </message>
    <message>
        <source>État de la connexion</source>
        <translation>Connection state</translation>
    </message>
    <message>
        <source>Éléments en attente de synchronisation</source>
        <translation>Items waiting to be synchronised</translation>
    </message>
    <message>
        <source>● Connexion…</source>
        <translation>● Connecting…</translation>
    </message>
    <message>
        <source>● En ligne</source>
        <translation>● Online</translation>
    </message>
    <message>
        <source>● Hors ligne</source>
        <translation>● Offline</translation>
    </message>
    <message>
        <source>☎ Téléphone prêt</source>
        <translation>☎ Phone ready</translation>
    </message>
    <message>
        <source>☎ Téléphone en démarrage…</source>
        <translation>☎ Phone starting…</translation>
    </message>
    <message>
        <source>☎ Téléphone indisponible : saisie manuelle</source>
        <translation>☎ Phone unavailable: manual entry</translation>
    </message>
    <message>
        <source>%d en attente de synchronisation</source>
        <translation>%d waiting to be synchronised</translation>
    </message>
</context>
<context>
    <name>DeskPhone</name>
    <message>
        <source>Téléphone indisponible : saisie manuelle</source>
        <extracomment>The call the intake form is being typed for (linked to the case when it is saved).</extracomment>
        <translation>Phone unavailable: manual entry</translation>
    </message>
    <message>
        <source>Téléphone : %s</source>
        <translation>Phone: %s</translation>
    </message>
    <message>
        <source>Téléphone : la commande a échoué</source>
        <translation>Phone: the command failed</translation>
    </message>
    <message>
        <source>Un autre appel sonne (F3 pour le prendre)</source>
        <translation>Another call is ringing (F3 to take it)</translation>
    </message>
    <message>
        <source>Appel pris par un autre poste</source>
        <translation>Call taken by another desk</translation>
    </message>
    <message>
        <source>Appel terminé</source>
        <translation>Call ended</translation>
    </message>
    <message>
        <source>Aucun appel ne sonne</source>
        <translation>No call is ringing</translation>
    </message>
    <message>
        <source>Appel de %s décroché : nouveau dossier</source>
        <translation>Call from %s answered: new case</translation>
    </message>
    <message>
        <source>Aucun dossier connu à rattacher : F3 pour un nouveau dossier</source>
        <translation>No known case to attach to: F3 for a new case</translation>
    </message>
    <message>
        <source>Appel rattaché au dossier %s (pas encore sur ce poste)</source>
        <translation>Call attached to case %s (not yet on this desk)</translation>
    </message>
    <message>
        <source>Appel rattaché au dossier %s</source>
        <translation>Call attached to case %s</translation>
    </message>
    <message>
        <source>Aucun appel en cours</source>
        <translation>No call in progress</translation>
    </message>
    <message>
        <source>Aucun appel en cours à transférer</source>
        <translation>No call in progress to transfer</translation>
    </message>
    <message>
        <source>Aucun poste médecin configuré (Paramètres, Téléphonie)</source>
        <translation>No doctor&apos;s desk configured (Settings, Telephony)</translation>
    </message>
    <message>
        <source>Appel transféré au poste %s</source>
        <translation>Call transferred to desk %s</translation>
    </message>
    <message>
        <source>Appel de %s composé à la main (%s) : noté au dossier</source>
        <translation>Call to %s dialled by hand (%s): noted in the case</translation>
    </message>
    <message>
        <source>Appel de %s en cours (%s)</source>
        <translation>Calling %s (%s)</translation>
    </message>
    <message>
        <source>l&apos;effecteur</source>
        <translation>the provider</translation>
    </message>
    <message>
        <source>Pas de numéro pour cet effecteur</source>
        <translation>No number for this provider</translation>
    </message>
    <message>
        <source>le patient</source>
        <translation>the patient</translation>
    </message>
    <message>
        <source>Rien à appeler : choisissez un effecteur, un patient à rappeler ou un dossier</source>
        <translation>Nothing to call: choose a provider, a patient to call back or a case</translation>
    </message>
    <message>
        <source>Pas de numéro de rappel dans ce dossier</source>
        <translation>No callback number in this case</translation>
    </message>
    <message>
        <source>l&apos;appelant</source>
        <translation>the caller</translation>
    </message>
</context>
<context>
    <name>DetailsSection</name>
    <message>
        <source>Détails de l&apos;appel (Ctrl+Maj+D)</source>
        <translation>Call details (Ctrl+Shift+D)</translation>
    </message>
    <message>
        <source>Type d&apos;appelant</source>
        <translation>Caller type</translation>
    </message>
    <message>
        <source>Difficulté de communication</source>
        <translation>Communication difficulty</translation>
    </message>
    <message>
        <source>Langue de l&apos;appelant</source>
        <translation>Caller&apos;s language</translation>
    </message>
    <message>
        <source>fr, anglais, arabe…</source>
        <translation>fr, English, Arabic…</translation>
    </message>
    <message>
        <source>Bâtiment</source>
        <translation>Building</translation>
    </message>
    <message>
        <source>Bât. B, résidence…</source>
        <translation>Bldg B, residence…</translation>
    </message>
    <message>
        <source>Étage</source>
        <translation>Floor</translation>
    </message>
    <message>
        <source>3</source>
        <translation>3</translation>
    </message>
    <message>
        <source>Digicode</source>
        <translation>Door code</translation>
    </message>
    <message>
        <source>A1234</source>
        <translation>A1234</translation>
    </message>
    <message>
        <source>Interphone</source>
        <translation>Intercom</translation>
    </message>
    <message>
        <source>Nom sur l&apos;interphone</source>
        <translation>Name on the intercom</translation>
    </message>
    <message>
        <source>Type de lieu</source>
        <translation>Kind of place</translation>
    </message>
    <message>
        <source>L01… ou mots (domicile, voie publique)</source>
        <translation>L01… or words (home, public road)</translation>
    </message>
    <message>
        <source>Nature des faits</source>
        <translation>Facts</translation>
    </message>
    <message>
        <source>C02… ou mots (chute, accident)</source>
        <translation>C02… or words (fall, accident)</translation>
    </message>
    <message>
        <source>Risques</source>
        <translation>Risks</translation>
    </message>
    <message>
        <source>R… ou mots ; Entrée ajoute</source>
        <translation>R… or words; Enter adds</translation>
    </message>
    <message>
        <source>Risques retenus</source>
        <translation>Risks kept</translation>
    </message>
    <message>
        <source>T&amp;ype d&apos;appelant</source>
        <translation>Caller t&amp;ype</translation>
    </message>
    <message>
        <source>Lan&amp;gue</source>
        <translation>Lan&amp;guage</translation>
    </message>
    <message>
        <source>Co&amp;mmunication</source>
        <translation>Co&amp;mmunication</translation>
    </message>
    <message>
        <source>&amp;Bâtiment</source>
        <translation>&amp;Building</translation>
    </message>
    <message>
        <source>Éta&amp;ge</source>
        <translation>F&amp;loor</translation>
    </message>
    <message>
        <source>&amp;Digicode</source>
        <translation>&amp;Door code</translation>
    </message>
    <message>
        <source>&amp;Interphone</source>
        <translation>&amp;Intercom</translation>
    </message>
    <message>
        <source>Lie&amp;u</source>
        <translation>Pla&amp;ce</translation>
    </message>
    <message>
        <source>&amp;Faits</source>
        <translation>&amp;Facts</translation>
    </message>
    <message>
        <source>&amp;Risques</source>
        <translation>&amp;Risks</translation>
    </message>
</context>
<context>
    <name>ErrorDialog</name>
    <message>
        <source>Système : %s</source>
        <translation>System: %s</translation>
    </message>
    <message>
        <source>Dernières lignes du journal technique :</source>
        <translation>Last lines of the technical log:</translation>
    </message>
    <message>
        <source>Erreur inattendue</source>
        <translation>Unexpected error</translation>
    </message>
    <message>
        <source>Une erreur inattendue s&apos;est produite. Vos données sont enregistrées : la console continue, vous pouvez reprendre votre travail.

Si l&apos;erreur revient, copiez les informations de débogage et transmettez-les au support.</source>
        <translation>An unexpected error occurred. Your data is saved: the console keeps running and you can go on working.

If the error comes back, copy the debugging information and send it to support.</translation>
    </message>
    <message>
        <source>Erreur</source>
        <translation>Error</translation>
    </message>
    <message>
        <source>Informations de débogage</source>
        <translation>Debugging information</translation>
    </message>
    <message>
        <source>&amp;Copier les informations de débogage</source>
        <translation>&amp;Copy the debugging information</translation>
    </message>
    <message>
        <source>&amp;Fermer</source>
        <translation>C&amp;lose</translation>
    </message>
    <message>
        <source>Copier les informations de débogage</source>
        <translation>Copy the debugging information</translation>
    </message>
    <message>
        <source>Fermer</source>
        <translation>Close</translation>
    </message>
    <message>
        <source>Informations copiées</source>
        <translation>Information copied</translation>
    </message>
    <message>
        <source>%s
(%d erreurs depuis l&apos;ouverture de ce message)</source>
        <translation>%s
(%d errors since this message opened)</translation>
    </message>
</context>
<context>
    <name>HubSendAction</name>
    <message>
        <source>Le transfert au SAMU voisin est réservé à l&apos;ARM et aux médecins régulateurs</source>
        <extracomment>Neighbouring départements of the demo territories (the list stays editable).</extracomment>
        <translation>Transfer to a neighbouring SAMU is for ARMs and regulating doctors only</translation>
    </message>
    <message>
        <source>Ouvrez d&apos;abord le dossier (Ctrl+Entrée)</source>
        <translation>Open the case first (Ctrl+Enter)</translation>
    </message>
    <message>
        <source>Transférer au SAMU voisin</source>
        <translation>Transfer to a neighbouring SAMU</translation>
    </message>
    <message>
        <source>Identifiant Hub Santé du SAMU destinataire :</source>
        <translation>Hub Santé id of the receiving SAMU:</translation>
    </message>
    <message>
        <source>Destinataire invalide : identifiant Hub Santé attendu (ex. fr.health.samu680)</source>
        <translation>Invalid recipient: Hub Santé id expected (e.g. fr.health.samu680)</translation>
    </message>
    <message>
        <source>Destinataire invalide : c&apos;est ce SAMU</source>
        <translation>Invalid recipient: that is this SAMU</translation>
    </message>
    <message>
        <source>Transfert du dossier à %s…</source>
        <translation>Transferring the case to %s…</translation>
    </message>
    <message>
        <source>Mise à jour du dossier transmise à %s (RS-EDA-MAJ) ; l&apos;accusé de réception s&apos;affichera dans l&apos;historique</source>
        <translation>Case update sent to %s (RS-EDA-MAJ); the acknowledgement will appear in the history</translation>
    </message>
    <message>
        <source>Dossier transmis à %s par le Hub Santé ; l&apos;accusé de réception s&apos;affichera dans l&apos;historique</source>
        <translation>Case sent to %s through the Hub Santé; the acknowledgement will show in the history</translation>
    </message>
    <message>
        <source>Hub Santé injoignable : le dossier pour %s partira dès son retour</source>
        <translation>Hub Santé unreachable: the case for %s will leave as soon as it is back</translation>
    </message>
    <message>
        <source>Le serveur n&apos;a pas encore ce dossier (synchronisation en cours) : réessayez dans un instant</source>
        <translation>The server does not have this case yet (sync in progress): try again in a moment</translation>
    </message>
    <message>
        <source>Ce serveur n&apos;est pas relié au Hub Santé : transfert impossible</source>
        <translation>This server is not connected to the Hub Santé: transfer impossible</translation>
    </message>
    <message>
        <source>Transfert impossible : %s</source>
        <translation>Transfer failed: %s</translation>
    </message>
</context>
<context>
    <name>IntakePanel</name>
    <message>
        <source>Dossier ouvert</source>
        <translation>Case opened</translation>
    </message>
    <message>
        <source>Notes</source>
        <translation>Notes</translation>
    </message>
    <message>
        <source>Ou&amp;vrir le dossier (Ctrl+Entrée)</source>
        <translation>O&amp;pen the case (Ctrl+Enter)</translation>
    </message>
    <message>
        <source>Ouvrir le dossier</source>
        <translation>Open the case</translation>
    </message>
    <message>
        <source>N&amp;otes</source>
        <translation>N&amp;otes</translation>
    </message>
    <message>
        <source>Erreur</source>
        <translation>Error</translation>
    </message>
    <message>
        <source>Dossier %s ouvert — Ctrl+N : nouvel appel</source>
        <translation>Case %s opened — Ctrl+N: new call</translation>
    </message>
</context>
<context>
    <name>JournalModel</name>
    <message>
        <source>Heure</source>
        <translation>Time</translation>
    </message>
    <message>
        <source>Type</source>
        <translation>Type</translation>
    </message>
    <message>
        <source>Auteur</source>
        <translation>Author</translation>
    </message>
    <message>
        <source>État</source>
        <translation>State</translation>
    </message>
    <message>
        <source>Dossier</source>
        <translation>Case</translation>
    </message>
    <message>
        <source>Patient</source>
        <translation>Patient</translation>
    </message>
    <message>
        <source>Événement</source>
        <translation>Event</translation>
    </message>
    <message>
        <source>Orientation</source>
        <translation>Orientation</translation>
    </message>
    <message>
        <source>Réservation</source>
        <translation>Booking</translation>
    </message>
    <message>
        <source>Suivi</source>
        <translation>Follow-up</translation>
    </message>
    <message>
        <source>Afflux</source>
        <translation>Surge</translation>
    </message>
    <message>
        <source>RDV SAS</source>
        <translation>SAS appointment</translation>
    </message>
    <message>
        <source>Purge</source>
        <translation>Purge</translation>
    </message>
    <message>
        <source>Agendas</source>
        <translation>Diaries</translation>
    </message>
    <message>
        <source>Appel</source>
        <translation>Call</translation>
    </message>
    <message>
        <source>Synchronisé</source>
        <translation>Synchronised</translation>
    </message>
    <message>
        <source>En attente</source>
        <translation>Waiting</translation>
    </message>
    <message>
        <source>Refusé</source>
        <translation>Refused</translation>
    </message>
</context>
<context>
    <name>JournalView</name>
    <message>
        <source>&amp;Journal des orientations</source>
        <extracomment>The event column never gets narrower than this (px): a narrow dock scrolls sideways instead of hiding it. Role giving the entry&apos;s uuid (``Qt.UserRole`` gives the whole entry dict).</extracomment>
        <translation>&amp;Orientation journal</translation>
    </message>
    <message>
        <source>Journal des orientations</source>
        <translation>Orientation journal</translation>
    </message>
</context>
<context>
    <name>LockScreen</name>
    <message>
        <source>Session verrouillée — %s</source>
        <extracomment>Window property set while the session is locked (its docks are hidden, not closed by the user).</extracomment>
        <translation>Session locked — %s</translation>
    </message>
    <message>
        <source>Mot de passe</source>
        <translation>Password</translation>
    </message>
    <message>
        <source>&amp;Déverrouiller</source>
        <translation>&amp;Unlock</translation>
    </message>
    <message>
        <source>&amp;Changer d&apos;utilisateur</source>
        <translation>&amp;Switch user</translation>
    </message>
    <message>
        <source>Saisissez votre mot de passe.</source>
        <translation>Enter your password.</translation>
    </message>
</context>
<context>
    <name>LoginDialog</name>
    <message>
        <source>Connexion — Console de régulation SAS</source>
        <translation>Log in — SAS regulation console</translation>
    </message>
    <message>
        <source>Identifiant</source>
        <translation>Username</translation>
    </message>
    <message>
        <source>Mot de passe</source>
        <translation>Password</translation>
    </message>
    <message>
        <source>Erreur de connexion</source>
        <translation>Login error</translation>
    </message>
    <message>
        <source>Se &amp;connecter</source>
        <translation>&amp;Log in</translation>
    </message>
    <message>
        <source>&amp;Quitter</source>
        <translation>&amp;Quit</translation>
    </message>
    <message>
        <source>&amp;Identifiant</source>
        <translation>&amp;Username</translation>
    </message>
    <message>
        <source>&amp;Mot de passe</source>
        <translation>&amp;Password</translation>
    </message>
    <message>
        <source>Saisissez votre identifiant.</source>
        <translation>Enter your username.</translation>
    </message>
    <message>
        <source>Saisissez votre mot de passe.</source>
        <translation>Enter your password.</translation>
    </message>
</context>
<context>
    <name>MainWindow</name>
    <message>
        <source>Console de régulation SAS — %s</source>
        <extracomment>(keys, French description) of every window-wide shortcut, as the F1 sheet lists them.</extracomment>
        <translation>SAS regulation console — %s</translation>
    </message>
    <message>
        <source>À réserver</source>
        <extracomment>The workspace of each role. Dock titles by dock object name (French, translated in the main window&apos;s context when shown).</extracomment>
        <translation>To book</translation>
    </message>
    <message>
        <source>File d&apos;attente</source>
        <translation>Waiting queue</translation>
    </message>
    <message>
        <source>Journal partagé</source>
        <translation>Shared journal</translation>
    </message>
    <message>
        <source>Dossier</source>
        <translation>Case</translation>
    </message>
    <message>
        <source>Le chef de salle ne saisit pas d&apos;appel</source>
        <extracomment>The desk phone (issue 15); its softphone is started by the console after login (none: by hand).</extracomment>
        <translation>The room supervisor does not take calls</translation>
    </message>
    <message>
        <source>Appel en cours repris</source>
        <translation>Call in progress resumed</translation>
    </message>
    <message>
        <source>Nouvel appel</source>
        <translation>New call</translation>
    </message>
    <message>
        <source>Dossier incomplet : corrigez les champs signalés</source>
        <translation>Incomplete case: correct the fields shown</translation>
    </message>
    <message>
        <source>Dossier %s ouvert</source>
        <translation>Case %s opened</translation>
    </message>
    <message>
        <source>Raccourcis clavier</source>
        <translation>Keyboard shortcuts</translation>
    </message>
</context>
<context>
    <name>MapView</name>
    <message>
        <source>Carte des effecteurs et du patient</source>
        <translation>Map of the providers and the patient</translation>
    </message>
    <message>
        <source>Fond de carte</source>
        <extracomment>Files the page needs from the vendor folder (see scripts/fetch_map_assets.sh). Metropolitan France: the opening view of a map without a territory (the console always gives one). Availability freshness classes; map.js gives each its marker colour.</extracomment>
        <translation>Base map</translation>
    </message>
</context>
<context>
    <name>MapWiring</name>
    <message>
        <source>Position non enregistrée : %s</source>
        <translation>Position not saved: %s</translation>
    </message>
    <message>
        <source>Position exacte du patient enregistrée</source>
        <translation>Patient&apos;s exact position saved</translation>
    </message>
</context>
<context>
    <name>MissingEditorsLabel</name>
    <message>
        <source>Agendas sans réponse</source>
        <translation>Diaries without an answer</translation>
    </message>
    <message>
        <source>Agendas sans réponse : %s — leurs créneaux arriveront s&apos;ils répondent.</source>
        <translation>Diaries without an answer: %s — their slots will arrive if they answer.</translation>
    </message>
</context>
<context>
    <name>PatientSection</name>
    <message>
        <source>Patients (Ctrl+Maj+P : ajouter)</source>
        <translation>Patients (Ctrl+Shift+P: add)</translation>
    </message>
    <message>
        <source>Nom du patient</source>
        <translation>Patient&apos;s surname</translation>
    </message>
    <message>
        <source>Nom de naissance</source>
        <translation>Birth name</translation>
    </message>
    <message>
        <source>Prénom du patient</source>
        <translation>Patient&apos;s first name</translation>
    </message>
    <message>
        <source>Date de naissance</source>
        <translation>Date of birth</translation>
    </message>
    <message>
        <source>jj/mm/aaaa</source>
        <translation>dd/mm/yyyy</translation>
    </message>
    <message>
        <source>Âge</source>
        <translation>Age</translation>
    </message>
    <message>
        <source>45, 3 mois, 10 j</source>
        <translation>45, 3 mois, 10 j</translation>
    </message>
    <message>
        <source>Sexe</source>
        <translation>Sex</translation>
    </message>
    <message>
        <source>Médecin traitant</source>
        <translation>Regular doctor</translation>
    </message>
    <message>
        <source>Dr …</source>
        <translation>Dr …</translation>
    </message>
    <message>
        <source>RPPS du médecin traitant</source>
        <translation>Regular doctor&apos;s RPPS</translation>
    </message>
    <message>
        <source>11 chiffres</source>
        <translation>11 digits</translation>
    </message>
    <message>
        <source>Ajouter le patient (Ctrl+Maj+P)</source>
        <translation>Add the patient (Ctrl+Shift+P)</translation>
    </message>
    <message>
        <source>Ajouter le patient</source>
        <translation>Add the patient</translation>
    </message>
    <message>
        <source>Patients ajoutés</source>
        <translation>Patients added</translation>
    </message>
    <message>
        <source>No&amp;m</source>
        <translation>Sur&amp;name</translation>
    </message>
    <message>
        <source>Pré&amp;nom</source>
        <translation>First &amp;name</translation>
    </message>
    <message>
        <source>Né(e) le</source>
        <translation>Born on</translation>
    </message>
    <message>
        <source>RPPS</source>
        <translation>RPPS</translation>
    </message>
</context>
<context>
    <name>PhoneBookingDialog</name>
    <message>
        <source>Appeler l&apos;effecteur pour confirmer le rendez-vous</source>
        <translation>Call the provider to confirm the appointment</translation>
    </message>
    <message>
        <source>Effecteur sans nom</source>
        <translation>Unnamed provider</translation>
    </message>
    <message>
        <source>numéro inconnu</source>
        <translation>unknown number</translation>
    </message>
    <message>
        <source>Numéro à appeler</source>
        <translation>Number to call</translation>
    </message>
    <message>
        <source>Créneau : %s</source>
        <translation>Slot: %s</translation>
    </message>
    <message>
        <source>L&apos;agenda %s ne prend pas les réservations : appelez l&apos;effecteur et faites confirmer le rendez-vous pour %s.</source>
        <translation>The %s diary does not take bookings: call the provider and have the appointment for %s confirmed.</translation>
    </message>
    <message>
        <source>Le rendez-vous actuel (%s) sera annulé.</source>
        <translation>The current appointment (%s) will be cancelled.</translation>
    </message>
    <message>
        <source>RDV confirmé par téléphone (Entrée)</source>
        <translation>Appointment confirmed by phone (Enter)</translation>
    </message>
    <message>
        <source>Pas de réponse / refusé (Échap)</source>
        <translation>No answer / refused (Esc)</translation>
    </message>
</context>
<context>
    <name>PhonePrompts</name>
    <message>
        <source>Téléphone indisponible</source>
        <translation>Phone unavailable</translation>
    </message>
    <message>
        <source>Composez à la main le numéro de %s :</source>
        <translation>Dial %s&apos;s number by hand:</translation>
    </message>
    <message>
        <source>&amp;Composé</source>
        <translation>&amp;Dialled</translation>
    </message>
    <message>
        <source>Annuler</source>
        <translation>Cancel</translation>
    </message>
    <message>
        <source>Transfert au médecin</source>
        <translation>Transfer to the doctor</translation>
    </message>
    <message>
        <source>Poste du médecin (transfert accompagné) :</source>
        <translation>Doctor&apos;s desk (accompanied transfer):</translation>
    </message>
</context>
<context>
    <name>PlaceConfirmBar</name>
    <message>
        <source>Confirmer la position du patient</source>
        <translation>Confirm the patient&apos;s position</translation>
    </message>
    <message>
        <source>Confirmer (Entrée)</source>
        <translation>Confirm (Enter)</translation>
    </message>
    <message>
        <source>Annuler (Échap)</source>
        <translation>Cancel (Esc)</translation>
    </message>
    <message>
        <source>Placer le patient ici (%s, %s), position exacte ? Entrée : confirmer · Échap : annuler</source>
        <translation>Place the patient here (%s, %s), exact position? Enter: confirm · Esc: cancel</translation>
    </message>
</context>
<context>
    <name>PlaceRows</name>
    <message>
        <source>Adresse</source>
        <translation>Address</translation>
    </message>
    <message>
        <source>Numéro, voie, accès</source>
        <translation>Number, street, access</translation>
    </message>
    <message>
        <source>Commune</source>
        <translation>Town</translation>
    </message>
    <message>
        <source>Nom ou code postal</source>
        <translation>Name or postcode</translation>
    </message>
    <message>
        <source>&amp;Adresse</source>
        <translation>&amp;Address</translation>
    </message>
    <message>
        <source>&amp;Commune</source>
        <translation>&amp;Town</translation>
    </message>
</context>
<context>
    <name>PriorityCombo</name>
    <message>
        <source>Choisir : touches 0 à 3, N</source>
        <extracomment>Keys that choose a priority: digits (also numeric keypad) and the AZERTY top row unshifted.</extracomment>
        <translation>Choose: keys 0 to 3, N</translation>
    </message>
</context>
<context>
    <name>QualificationRows</name>
    <message>
        <source>Motif de recours</source>
        <translation>Reason for calling</translation>
    </message>
    <message>
        <source>Code (M03.06) ou mots</source>
        <translation>Code (M03.06) or words</translation>
    </message>
    <message>
        <source>Priorité</source>
        <translation>Priority</translation>
    </message>
    <message>
        <source>&amp;Motif</source>
        <translation>&amp;Reason</translation>
    </message>
    <message>
        <source>&amp;Priorité</source>
        <translation>&amp;Priority</translation>
    </message>
    <message>
        <source>Fi&amp;lière</source>
        <translation>S&amp;tream</translation>
    </message>
</context>
<context>
    <name>QueueModel</name>
    <message>
        <source>Prio.</source>
        <extracomment>Column titles, French source strings translated (context &quot;QueueModel&quot;) when shown.</extracomment>
        <translation>Prio.</translation>
    </message>
    <message>
        <source>Attente</source>
        <translation>Waiting</translation>
    </message>
    <message>
        <source>Dossier</source>
        <translation>Case</translation>
    </message>
    <message>
        <source>Filière</source>
        <translation>Stream</translation>
    </message>
    <message>
        <source>Motif</source>
        <translation>Reason</translation>
    </message>
    <message>
        <source>Commune</source>
        <translation>Town</translation>
    </message>
    <message>
        <source>État</source>
        <translation>State</translation>
    </message>
    <message>
        <source>pris en charge par %s</source>
        <extracomment>The column that takes the width left (the motive can be long). The state column: « à transmettre », « pris en charge par … ».</extracomment>
        <translation>taken in charge by %s</translation>
    </message>
    <message>
        <source>décidé, créneau à réserver</source>
        <translation>decided, slot to book</translation>
    </message>
    <message>
        <source>⏱ accompagné (MRU)</source>
        <translation>⏱ accompanied (MRU)</translation>
    </message>
    <message>
        <source>transmis, attend le médecin</source>
        <translation>handed over, waiting for the doctor</translation>
    </message>
    <message>
        <source>à transmettre</source>
        <translation>to hand over</translation>
    </message>
</context>
<context>
    <name>QueueView</name>
    <message>
        <source>Résumé de la file d&apos;attente</source>
        <translation>Waiting queue summary</translation>
    </message>
    <message>
        <source>File d&apos;attente</source>
        <translation>Waiting queue</translation>
    </message>
    <message>
        <source>À réserver</source>
        <translation>To book</translation>
    </message>
    <message>
        <source>À réserver : %d dossier(s) décidé(s) sans rendez-vous</source>
        <translation>To book: %d decided case(s) without an appointment</translation>
    </message>
    <message>
        <source>File d&apos;attente : %d dossier(s) en attente</source>
        <translation>Waiting queue: %d case(s) waiting</translation>
    </message>
    <message>
        <source> — %d P0 accompagné(s)</source>
        <translation> — %d P0 accompanied</translation>
    </message>
</context>
<context>
    <name>RegulationActions</name>
    <message>
        <source>Dossier %s (%s, %s) : %s.
Rattacher cet appel à ce dossier ?</source>
        <extracomment>Why the open case is read-only at this desk (held by another user), or None.</extracomment>
        <translation>Case %s (%s, %s): %s.
Attach this call to that case?</translation>
    </message>
    <message>
        <source>Doublon possible</source>
        <translation>Possible duplicate</translation>
    </message>
    <message>
        <source>&amp;Rattacher</source>
        <translation>&amp;Attach</translation>
    </message>
    <message>
        <source>&amp;Nouveau dossier</source>
        <translation>&amp;New case</translation>
    </message>
    <message>
        <source>Appel rattaché au dossier %s</source>
        <translation>Call attached to case %s</translation>
    </message>
    <message>
        <source>Brouillon enregistré : rien n&apos;est perdu (Ctrl+Maj+R pour le reprendre)</source>
        <translation>Draft saved: nothing is lost (Ctrl+Shift+R to resume it)</translation>
    </message>
    <message>
        <source>Aucun brouillon</source>
        <translation>No draft</translation>
    </message>
    <message>
        <source>Brouillon repris</source>
        <translation>Draft resumed</translation>
    </message>
    <message>
        <source>Dossier transmis au médecin régulateur</source>
        <translation>Case handed over to the regulating doctor</translation>
    </message>
    <message>
        <source>Note</source>
        <translation>Note</translation>
    </message>
    <message>
        <source>Note horodatée :</source>
        <translation>Timestamped note:</translation>
    </message>
    <message>
        <source>Note ajoutée</source>
        <translation>Note added</translation>
    </message>
    <message>
        <source>Garder l&apos;attribution actuelle</source>
        <translation>Keep the current attribution</translation>
    </message>
    <message>
        <source>Clôturer le dossier</source>
        <translation>Close the case</translation>
    </message>
    <message>
        <source>Attribution de clôture :</source>
        <translation>Closing attribution:</translation>
    </message>
    <message>
        <source>Dossier clôturé</source>
        <translation>Case closed</translation>
    </message>
    <message>
        <source>Mode afflux</source>
        <translation>Surge mode</translation>
    </message>
    <message>
        <source>Fin du mode afflux</source>
        <translation>End of surge mode</translation>
    </message>
    <message>
        <source>Raison (journalisée) :</source>
        <translation>Reason (journalled):</translation>
    </message>
    <message>
        <source>Mode afflux activé : répartition MRU/MRL suspendue</source>
        <translation>Surge mode on: MRU/MRL split suspended</translation>
    </message>
    <message>
        <source>Mode afflux terminé</source>
        <translation>Surge mode over</translation>
    </message>
    <message>
        <source>Aucun dossier ouvert</source>
        <translation>No case open</translation>
    </message>
    <message>
        <source>Priorité</source>
        <translation>Priority</translation>
    </message>
    <message>
        <source>Nouvelle priorité :</source>
        <translation>New priority:</translation>
    </message>
    <message>
        <source>Priorité %s</source>
        <translation>Priority %s</translation>
    </message>
    <message>
        <source>Dossier pris en charge</source>
        <translation>Case taken in charge</translation>
    </message>
    <message>
        <source>Dossier libéré : il revient à la salle</source>
        <translation>Case released: back to the room</translation>
    </message>
    <message>
        <source>Dossier pris en charge par %s depuis %s — le reprendre ?</source>
        <translation>Case taken in charge by %s since %s — take it over?</translation>
    </message>
    <message>
        <source>Dossier déjà pris en charge</source>
        <translation>Case already taken in charge</translation>
    </message>
    <message>
        <source>&amp;Consulter sans le prendre</source>
        <translation>&amp;View without taking it</translation>
    </message>
    <message>
        <source>&amp;Reprendre le dossier</source>
        <translation>&amp;Take the case over</translation>
    </message>
    <message>
        <source>Consultation seule : dossier pris en charge par %s</source>
        <translation>View only: case taken in charge by %s</translation>
    </message>
    <message>
        <source>Dossier %s : %s, %s</source>
        <translation>Case %s: %s, %s</translation>
    </message>
</context>
<context>
    <name>ReviewModel</name>
    <message>
        <source>%s (RDV)</source>
        <translation>%s (appointment)</translation>
    </message>
    <message>
        <source>Décidé</source>
        <translation>Decided</translation>
    </message>
    <message>
        <source>Présenté</source>
        <extracomment>Column titles (translated in :meth:`headerData`, context &quot;ReviewModel&quot;).</extracomment>
        <translation>Presented</translation>
    </message>
    <message>
        <source>Dossier</source>
        <translation>Case</translation>
    </message>
    <message>
        <source>Priorité</source>
        <translation>Priority</translation>
    </message>
    <message>
        <source>Filière</source>
        <translation>Stream</translation>
    </message>
    <message>
        <source>Motif</source>
        <translation>Reason</translation>
    </message>
    <message>
        <source>Patient</source>
        <translation>Patient</translation>
    </message>
    <message>
        <source>Commune</source>
        <translation>Town</translation>
    </message>
    <message>
        <source>Décroché en</source>
        <translation>Answered in</translation>
    </message>
    <message>
        <source>Décision</source>
        <translation>Decision</translation>
    </message>
    <message>
        <source>Statut</source>
        <translation>Status</translation>
    </message>
    <message>
        <source>Opérateurs</source>
        <translation>Operators</translation>
    </message>
</context>
<context>
    <name>RingingPanel</name>
    <message>
        <source>numéro masqué</source>
        <translation>hidden number</translation>
    </message>
    <message>
        <source>en cours</source>
        <translation>open</translation>
    </message>
    <message>
        <source>Appel entrant</source>
        <translation>Incoming call</translation>
    </message>
    <message>
        <source>Dossiers connus de ce numéro</source>
        <translation>Known cases of this number</translation>
    </message>
    <message>
        <source>☎ Appel entrant</source>
        <translation>☎ Incoming call</translation>
    </message>
    <message>
        <source>Numéro masqué : rien à rechercher</source>
        <translation>Hidden number: nothing to look up</translation>
    </message>
    <message>
        <source>Recherche de ce que la salle connaît de ce numéro…</source>
        <translation>Looking up what the room knows of this number…</translation>
    </message>
    <message>
        <source>+%d autre(s) appel(s) en attente</source>
        <translation>+%d other call(s) waiting</translation>
    </message>
    <message>
        <source>F3 : décrocher · Maj+F3 : décrocher et rattacher au dossier choisi (Alt+↑/↓) · F4 : raccrocher</source>
        <translation>F3: answer · Shift+F3: answer and attach to the chosen case (Alt+↑/↓) · F4: hang up</translation>
    </message>
    <message>
        <source>Historique du numéro indisponible (serveur injoignable)</source>
        <translation>Number history unavailable (server unreachable)</translation>
    </message>
    <message>
        <source>Dossiers de ce numéro (en cours, 30 derniers jours) :</source>
        <translation>Cases of this number (open, last 30 days):</translation>
    </message>
    <message>
        <source>Numéro inconnu de la salle (aucun dossier depuis 30 jours)</source>
        <translation>Number unknown to the room (no case in 30 days)</translation>
    </message>
    <message>
        <source>⏸ Appel en attente</source>
        <translation>⏸ Call on hold</translation>
    </message>
    <message>
        <source>☎ Appel sortant</source>
        <translation>☎ Outgoing call</translation>
    </message>
    <message>
        <source>☎ En communication</source>
        <translation>☎ In conversation</translation>
    </message>
    <message>
        <source>F4 : raccrocher · Ctrl+F3 : attente / reprise · Ctrl+Maj+T : transférer au médecin</source>
        <translation>F4: hang up · Ctrl+F3: hold / resume · Ctrl+Shift+T: transfer to the doctor</translation>
    </message>
    <message>
        <source>Attente : %s</source>
        <translation>Waiting: %s</translation>
    </message>
    <message>
        <source>Durée : %s</source>
        <translation>Duration: %s</translation>
    </message>
</context>
<context>
    <name>RoutingRow</name>
    <message>
        <source>Filière</source>
        <translation>Stream</translation>
    </message>
    <message>
        <source>Suggérée après la priorité</source>
        <translation>Suggested after the priority</translation>
    </message>
    <message>
        <source>Suggestion de filière</source>
        <translation>Stream suggestion</translation>
    </message>
    <message>
        <source>Raison du changement de filière</source>
        <translation>Reason for changing the stream</translation>
    </message>
    <message>
        <source>Pourquoi une autre filière que la suggestion ?</source>
        <translation>Why a stream other than the suggested one?</translation>
    </message>
</context>
<context>
    <name>SearchActions</name>
    <message>
        <source>&amp;Rechercher (F5)</source>
        <translation>&amp;Search (F5)</translation>
    </message>
    <message>
        <source>É&amp;largir (Ctrl+E)</source>
        <translation>&amp;Widen (Ctrl+E)</translation>
    </message>
    <message>
        <source>Décision sans créneau</source>
        <translation>Decision without a slot</translation>
    </message>
    <message>
        <source>Enregistrer la &amp;décision (Ctrl+D)</source>
        <translation>Record the &amp;decision (Ctrl+D)</translation>
    </message>
    <message>
        <source>Décision sans créneau :</source>
        <translation>Decision without a slot:</translation>
    </message>
    <message>
        <source>Action non autorisée pour le rôle %s</source>
        <translation>Action not allowed for role %s</translation>
    </message>
    <message>
        <source>Recherche des créneaux du dossier en cours…</source>
        <translation>Searching slots for the case…</translation>
    </message>
    <message>
        <source>Ouvrez un dossier puis lancez la recherche (F5).</source>
        <translation>Open a case, then start the search (F5).</translation>
    </message>
    <message>
        <source>Ouvrez d&apos;abord le dossier (Ctrl+Entrée)</source>
        <translation>Open the case first (Ctrl+Enter)</translation>
    </message>
    <message>
        <source>Recherche en cours…</source>
        <translation>Searching…</translation>
    </message>
    <message>
        <source>%d créneaux dans un rayon de %g km</source>
        <translation>%d slots within %g km</translation>
    </message>
    <message>
        <source>Recherche impossible</source>
        <translation>Search failed</translation>
    </message>
    <message>
        <source>Rayon : %g km</source>
        <translation>Radius: %g km</translation>
    </message>
    <message>
        <source>Appel non enregistré</source>
        <translation>Call not recorded</translation>
    </message>
    <message>
        <source>Décision enregistrée : %s</source>
        <translation>Decision recorded: %s</translation>
    </message>
    <message>
        <source>%s : serveur injoignable (hors ligne)</source>
        <translation>%s: server unreachable (offline)</translation>
    </message>
</context>
<context>
    <name>SearchBar</name>
    <message>
        <source>Toutes</source>
        <translation>All</translation>
    </message>
    <message>
        <source>Tous</source>
        <translation>All</translation>
    </message>
    <message>
        <source>Cabinet</source>
        <translation>Surgery</translation>
    </message>
    <message>
        <source>Visite à domicile</source>
        <translation>Home visit</translation>
    </message>
    <message>
        <source>Téléconsultation</source>
        <translation>Teleconsultation</translation>
    </message>
    <message>
        <source>Individuel</source>
        <translation>Individual</translation>
    </message>
    <message>
        <source>Centre de santé</source>
        <translation>Health centre</translation>
    </message>
    <message>
        <source>Maison médicale de garde</source>
        <translation>On-call medical centre</translation>
    </message>
    <message>
        <source>Disponible sous</source>
        <translation>Available within</translation>
    </message>
    <message>
        <source>Mode de consultation</source>
        <translation>Consultation mode</translation>
    </message>
    <message>
        <source>Type de structure</source>
        <translation>Kind of structure</translation>
    </message>
    <message>
        <source>SAS uniquement</source>
        <translation>SAS only</translation>
    </message>
    <message>
        <source>Participants au SAS seulement (Alt+4)</source>
        <translation>SAS participants only (Alt+4)</translation>
    </message>
    <message>
        <source>En sus</source>
        <translation>Extra</translation>
    </message>
    <message>
        <source>Effecteurs acceptant des patients en sus des disponibilités (Alt+5)</source>
        <translation>Providers taking patients beyond their available slots (Alt+5)</translation>
    </message>
    <message>
        <source>Mode</source>
        <translation>Mode</translation>
    </message>
    <message>
        <source>Structure</source>
        <translation>Structure</translation>
    </message>
</context>
<context>
    <name>SecondarySection</name>
    <message>
        <source>Détails, accès, patients (Ctrl+Maj+D)</source>
        <translation>Details, access, patients (Ctrl+Shift+D)</translation>
    </message>
</context>
<context>
    <name>SessionLock</name>
    <message>
        <source>Déverrouillage impossible : réessayez.</source>
        <translation>Could not unlock: try again.</translation>
    </message>
</context>
<context>
    <name>SettingsDialog</name>
    <message>
        <source>Adresse du serveur invalide : attendu http(s)://hôte[:port], ou vide pour le serveur local intégré.</source>
        <extracomment>Settings that only take effect when the console starts again. The French message of each wrong field (translated when shown), naming the field first.</extracomment>
        <translation>Invalid server address: expected http(s)://host[:port], or empty for the embedded local server.</translation>
    </message>
    <message>
        <source>Code SAMU invalide : trois chiffres (670 pour le SAMU 67).</source>
        <translation>Invalid SAMU code: three digits (670 for SAMU 67).</translation>
    </message>
    <message>
        <source>Numéro de poste invalide : un nombre de 10 à 99.</source>
        <translation>Invalid desk number: a number from 10 to 99.</translation>
    </message>
    <message>
        <source>Département invalide : 01 à 95, 2A, 2B ou 971 à 976.</source>
        <translation>Invalid département: 01 to 95, 2A, 2B or 971 to 976.</translation>
    </message>
    <message>
        <source>URL des tuiles invalide : http(s)://… contenant {z}, {x} et {y}, ou vide.</source>
        <translation>Invalid tile URL: http(s)://… containing {z}, {x} and {y}, or empty.</translation>
    </message>
    <message>
        <source>Rayon de recherche hors limites : de %g à %g km.</source>
        <translation>Search radius out of range: %g to %g km.</translation>
    </message>
    <message>
        <source>Intervalle de synchronisation hors limites : de %g à %g s.</source>
        <translation>Sync interval out of range: %g to %g s.</translation>
    </message>
    <message>
        <source>Fichier CA introuvable : %s</source>
        <translation>CA file not found: %s</translation>
    </message>
    <message>
        <source>Verrouillage après inactivité hors limites : de %g à %g min.</source>
        <translation>Lock after inactivity out of range: %g to %g min.</translation>
    </message>
    <message>
        <source>Compte SIP invalide : lettres, chiffres, « . _ + - » (64 au plus).</source>
        <translation>Invalid SIP account: letters, digits, “. _ + -” (64 at most).</translation>
    </message>
    <message>
        <source>Domaine SIP invalide : un nom d&apos;hôte ou une adresse IP.</source>
        <translation>Invalid SIP domain: a host name or an IP address.</translation>
    </message>
    <message>
        <source>Proxy SIP invalide : hôte[:port], ou vide.</source>
        <translation>Invalid SIP proxy: host[:port], or empty.</translation>
    </message>
    <message>
        <source>Port SIP local invalide : de 0 (au choix) à 65535.</source>
        <translation>Invalid local SIP port: 0 (any) to 65535.</translation>
    </message>
    <message>
        <source>Port de contrôle invalide : de 0 (au choix) à 65535.</source>
        <translation>Invalid control port: 0 (any) to 65535.</translation>
    </message>
    <message>
        <source>Postes médecins invalides : comptes SIP séparés par des virgules.</source>
        <translation>Invalid doctors&apos; desks: SIP accounts separated by commas.</translation>
    </message>
    <message>
        <source>Paramètres du poste</source>
        <extracomment>The « Téléphonie » rows (issue 15), after the others. Fields whose message shows their range.</extracomment>
        <translation>Desk settings</translation>
    </message>
    <message>
        <source>Adresse du &amp;serveur</source>
        <translation>&amp;Server address</translation>
    </message>
    <message>
        <source>vide : serveur local intégré</source>
        <translation>empty: embedded local server</translation>
    </message>
    <message>
        <source>Code &amp;SAMU</source>
        <translation>SAMU &amp;code</translation>
    </message>
    <message>
        <source>&amp;Numéro de poste</source>
        <translation>Desk &amp;number</translation>
    </message>
    <message>
        <source>&amp;Département</source>
        <translation>&amp;Département</translation>
    </message>
    <message>
        <source>&amp;Rayon de recherche par défaut (km)</source>
        <translation>Default search &amp;radius (km)</translation>
    </message>
    <message>
        <source>Intervalle de s&amp;ynchronisation (s)</source>
        <translation>S&amp;ync interval (s)</translation>
    </message>
    <message>
        <source>&amp;Verrouillage après inactivité (min)</source>
        <translation>&amp;Lock after inactivity (min)</translation>
    </message>
    <message>
        <source>URL des &amp;tuiles de carte</source>
        <translation>Map &amp;tile URL</translation>
    </message>
    <message>
        <source>&amp;Attribution des tuiles</source>
        <translation>Tile &amp;attribution</translation>
    </message>
    <message>
        <source>&amp;Fichier CA (certificat du serveur)</source>
        <translation>CA &amp;file (server certificate)</translation>
    </message>
    <message>
        <source>vide : autorités du système</source>
        <translation>empty: the system&apos;s authorities</translation>
    </message>
    <message>
        <source>Langue de l&apos;interface</source>
        <translation>Interface language</translation>
    </message>
    <message>
        <source>&amp;Langue (au prochain démarrage)</source>
        <translation>&amp;Language (at the next start)</translation>
    </message>
    <message>
        <source>Clair, contraste élevé</source>
        <translation>Light, high contrast</translation>
    </message>
    <message>
        <source>Sombre, contraste élevé</source>
        <translation>Dark, high contrast</translation>
    </message>
    <message>
        <source>Celui du système</source>
        <translation>The system&apos;s</translation>
    </message>
    <message>
        <source>Thème</source>
        <translation>Theme</translation>
    </message>
    <message>
        <source>T&amp;hème</source>
        <translation>T&amp;heme</translation>
    </message>
    <message>
        <source>OK</source>
        <translation>OK</translation>
    </message>
    <message>
        <source>Enregistrer</source>
        <translation>Save</translation>
    </message>
    <message>
        <source>Annuler</source>
        <translation>Cancel</translation>
    </message>
    <message>
        <source>Téléphonie (à la prochaine connexion)</source>
        <translation>Telephony (at the next login)</translation>
    </message>
    <message>
        <source>Téléphonie activée (softphone du poste)</source>
        <translation>Telephony on (the desk&apos;s softphone)</translation>
    </message>
    <message>
        <source>Téléphonie activée</source>
        <translation>Telephony on</translation>
    </message>
    <message>
        <source>&amp;Compte SIP du poste</source>
        <translation>Desk SIP &amp;account</translation>
    </message>
    <message>
        <source>D&amp;omaine SIP</source>
        <translation>SIP d&amp;omain</translation>
    </message>
    <message>
        <source>vide : l&apos;hôte du serveur</source>
        <translation>empty: the server&apos;s host</translation>
    </message>
    <message>
        <source>&amp;Proxy SIP (hôte:port)</source>
        <translation>SIP &amp;proxy (host:port)</translation>
    </message>
    <message>
        <source>Port SIP &amp;local</source>
        <translation>&amp;Local SIP port</translation>
    </message>
    <message>
        <source>0 : au choix</source>
        <translation>0: any</translation>
    </message>
    <message>
        <source>Port de contrôle du softphone</source>
        <translation>Softphone control port</translation>
    </message>
    <message>
        <source>Postes médecins (transfert)</source>
        <translation>Doctors&apos; desks (transfer)</translation>
    </message>
    <message>
        <source>vide : inchangé</source>
        <translation>empty: unchanged</translation>
    </message>
    <message>
        <source>Mot de passe SIP</source>
        <translation>SIP password</translation>
    </message>
    <message>
        <source>Mot de &amp;passe SIP</source>
        <translation>SIP &amp;password</translation>
    </message>
    <message>
        <source>Paramètres enregistrés.</source>
        <translation>Settings saved.</translation>
    </message>
    <message>
        <source>Paramètres enregistrés ; certains (%s) prendront effet au prochain démarrage.</source>
        <translation>Settings saved; some (%s) take effect at the next start.</translation>
    </message>
    <message>
        <source>langue</source>
        <translation>language</translation>
    </message>
    <message>
        <source>téléphonie</source>
        <translation>telephony</translation>
    </message>
</context>
<context>
    <name>ShiftReportAction</name>
    <message>
        <source>Préparation du rapport de garde…</source>
        <extracomment>Chart size in device pixels (drawn at twice the size it is printed at, for crisp lines).</extracomment>
        <translation>Preparing the shift report…</translation>
    </message>
    <message>
        <source>Masquer</source>
        <translation>Hide</translation>
    </message>
    <message>
        <source>Rapport de garde (PDF)</source>
        <translation>Shift report (PDF)</translation>
    </message>
    <message>
        <source>Lecture des dossiers…</source>
        <translation>Reading the cases…</translation>
    </message>
    <message>
        <source>Vérification du journal…</source>
        <translation>Checking the journal…</translation>
    </message>
    <message>
        <source>Mise en page du PDF…</source>
        <translation>Laying out the PDF…</translation>
    </message>
    <message>
        <source>écriture impossible (%s)</source>
        <translation>cannot write (%s)</translation>
    </message>
</context>
<context>
    <name>ShiftReviewPanel</name>
    <message>
        <source>Revue de garde</source>
        <extracomment>Live reloads (the sync stored journal entries) come at most this often.</extracomment>
        <translation>Shift review</translation>
    </message>
    <message>
        <source>Échec : %s</source>
        <translation>Failed: %s</translation>
    </message>
    <message>
        <source>Rapport : %s</source>
        <translation>Report: %s</translation>
    </message>
    <message>
        <source>Pé&amp;riode :</source>
        <translation>Pe&amp;riod:</translation>
    </message>
    <message>
        <source>Dates choisies</source>
        <translation>Chosen dates</translation>
    </message>
    <message>
        <source>Début de période</source>
        <translation>Start of period</translation>
    </message>
    <message>
        <source>Fin de période</source>
        <translation>End of period</translation>
    </message>
    <message>
        <source>Nom, motif, adresse, note, n° de dossier…</source>
        <translation>Name, reason, address, note, case no.…</translation>
    </message>
    <message>
        <source>Re&amp;chercher :</source>
        <translation>Sear&amp;ch:</translation>
    </message>
    <message>
        <source>Tous</source>
        <translation>All</translation>
    </message>
    <message>
        <source>&amp;Rôle :</source>
        <translation>&amp;Role:</translation>
    </message>
    <message>
        <source>&amp;Opérateur :</source>
        <translation>&amp;Operator:</translation>
    </message>
    <message>
        <source>Pr&amp;iorité :</source>
        <translation>Pr&amp;iority:</translation>
    </message>
    <message>
        <source>Toutes</source>
        <translation>All</translation>
    </message>
    <message>
        <source>&amp;Décision :</source>
        <translation>&amp;Decision:</translation>
    </message>
    <message>
        <source>S&amp;tatut :</source>
        <translation>S&amp;tatus:</translation>
    </message>
    <message>
        <source>Vérification du journal…</source>
        <translation>Checking the journal…</translation>
    </message>
    <message>
        <source>Intégrité du journal</source>
        <translation>Journal integrity</translation>
    </message>
    <message>
        <source>Rapport de garde (PDF)… (Ctrl+P)</source>
        <translation>Shift report (PDF)… (Ctrl+P)</translation>
    </message>
    <message>
        <source>Dossiers de la période</source>
        <translation>Cases of the period</translation>
    </message>
    <message>
        <source>Rapport de garde (PDF)…</source>
        <translation>Shift report (PDF)…</translation>
    </message>
    <message>
        <source>Recharger la revue</source>
        <translation>Reload the review</translation>
    </message>
    <message>
        <source>Chargement…</source>
        <translation>Loading…</translation>
    </message>
    <message>
        <source>%d dossier(s) sur %d</source>
        <translation>%d case(s) of %d</translation>
    </message>
    <message>
        <source>Sans décision</source>
        <translation>No decision</translation>
    </message>
    <message>
        <source>Journal intègre — %d entrée(s)</source>
        <translation>Journal intact — %d entr(y/ies)</translation>
    </message>
    <message>
        <source>Chaîne rompue à l&apos;entrée n° %d</source>
        <translation>Chain broken at entry no. %d</translation>
    </message>
    <message>
        <source>Rapport de garde (PDF)</source>
        <translation>Shift report (PDF)</translation>
    </message>
    <message>
        <source>Documents PDF (*.pdf)</source>
        <translation>PDF documents (*.pdf)</translation>
    </message>
    <message>
        <source>Rapport écrit : %s (%d page(s))</source>
        <translation>Report written: %s (%d page(s))</translation>
    </message>
</context>
<context>
    <name>Shortcuts</name>
    <message>
        <source>Nouvel appel (vide le formulaire)</source>
        <extracomment>(keys, French description) of the main window&apos;s own actions, for the F1 sheet (translated when shown).</extracomment>
        <translation>New call (clears the form)</translation>
    </message>
    <message>
        <source>Ctrl+Entrée</source>
        <translation>Ctrl+Enter</translation>
    </message>
    <message>
        <source>Ouvrir le dossier</source>
        <translation>Open the case</translation>
    </message>
    <message>
        <source>Confirmer (rappel, commune ou motif proposé) et passer au champ suivant</source>
        <translation>Confirm (callback number, proposed commune or motive) and go to the next field</translation>
    </message>
    <message>
        <source>Ctrl+Maj+M</source>
        <translation>Ctrl+Shift+M</translation>
    </message>
    <message>
        <source>Numéro de l&apos;appelant masqué (le numéro de rappel devient obligatoire)</source>
        <translation>Caller&apos;s number hidden (the callback number becomes required)</translation>
    </message>
    <message>
        <source>Rechercher des créneaux autour du patient</source>
        <translation>Search slots around the patient</translation>
    </message>
    <message>
        <source>Élargir le rayon de recherche (pas du département)</source>
        <translation>Widen the search radius (the département&apos;s step)</translation>
    </message>
    <message>
        <source>Filtres : disponible sous, mode, structure</source>
        <translation>Filters: available within, mode, structure</translation>
    </message>
    <message>
        <source>Filtres : SAS uniquement, en sus</source>
        <translation>Filters: SAS only, extra</translation>
    </message>
    <message>
        <source>Entrée sur « à appeler »</source>
        <translation>Enter on “to call”</translation>
    </message>
    <message>
        <source>Appeler l&apos;effecteur, puis 1 accepté / 2 refusé / 3 pas de réponse</source>
        <translation>Call the provider, then 1 accepted / 2 refused / 3 no answer</translation>
    </message>
    <message>
        <source>Aller à la liste des créneaux</source>
        <translation>Go to the slot list</translation>
    </message>
    <message>
        <source>Entrée / Ctrl+B</source>
        <translation>Enter / Ctrl+B</translation>
    </message>
    <message>
        <source>Réserver le créneau sélectionné (Entrée confirme, Échap annule)</source>
        <translation>Book the selected slot (Enter confirms, Esc cancels)</translation>
    </message>
    <message>
        <source>Ctrl+Maj+B</source>
        <translation>Ctrl+Shift+B</translation>
    </message>
    <message>
        <source>Re-réserver : annuler le rendez-vous du dossier et réserver le créneau choisi</source>
        <translation>Re-book: cancel the case&apos;s appointment and book the chosen slot</translation>
    </message>
    <message>
        <source>Aller à la liste des décisions (les lettres choisissent, Ctrl+D enregistre)</source>
        <translation>Go to the decision list (letters choose, Ctrl+D records)</translation>
    </message>
    <message>
        <source>Enregistrer la décision choisie (sans créneau)</source>
        <translation>Record the chosen decision (without a slot)</translation>
    </message>
    <message>
        <source>Rendez-vous SAS : non rattachés (Entrée, Entrée : rattacher), à rappeler</source>
        <translation>SAS appointments: unattached (Enter, Enter: attach), to call back</translation>
    </message>
    <message>
        <source>Superviseur : mur des indicateurs</source>
        <translation>Supervisor: indicator wall</translation>
    </message>
    <message>
        <source>Superviseur : revue de garde (Entrée : chronologie, Ctrl+P : rapport PDF)</source>
        <translation>Supervisor: shift review (Enter: timeline, Ctrl+P: PDF report)</translation>
    </message>
    <message>
        <source>Paramètres du poste (thème, langue, serveur…)</source>
        <translation>Desk settings (theme, language, server…)</translation>
    </message>
    <message>
        <source>Ctrl+Maj+L</source>
        <translation>Ctrl+Shift+L</translation>
    </message>
    <message>
        <source>Verrouiller la session (mot de passe pour reprendre)</source>
        <translation>Lock the session (password to resume)</translation>
    </message>
    <message>
        <source>Afficher les raccourcis</source>
        <extracomment>The sheet&apos;s own key, listed last.</extracomment>
        <translation>Show the shortcuts</translation>
    </message>
    <message>
        <source>Ctrl+Maj+H</source>
        <extracomment>(keys, French description) for the F1 sheet (translated when shown).</extracomment>
        <translation>Ctrl+Shift+H</translation>
    </message>
    <message>
        <source>Transférer le dossier au SAMU voisin (Hub Santé)</source>
        <translation>Transfer the case to a neighbouring SAMU (Hub Santé)</translation>
    </message>
    <message>
        <source>Ctrl+Maj+D</source>
        <extracomment>(keys, French description) of the actions installed here, for the F1 sheet (translated when shown).</extracomment>
        <translation>Ctrl+Shift+D</translation>
    </message>
    <message>
        <source>Détails de l&apos;appel : appelant, accès, codes, patients</source>
        <translation>Call details: caller, access, codes, patients</translation>
    </message>
    <message>
        <source>Ctrl+Maj+P</source>
        <translation>Ctrl+Shift+P</translation>
    </message>
    <message>
        <source>Ajouter le patient saisi</source>
        <translation>Add the patient entered</translation>
    </message>
    <message>
        <source>Garder le formulaire en brouillon</source>
        <translation>Keep the form as a draft</translation>
    </message>
    <message>
        <source>Ctrl+Maj+R</source>
        <translation>Ctrl+Shift+R</translation>
    </message>
    <message>
        <source>Reprendre le dernier brouillon</source>
        <translation>Resume the last draft</translation>
    </message>
    <message>
        <source>Transmettre le dossier au médecin (P0 : transfert accompagné)</source>
        <translation>Hand the case over to the doctor (P0: accompanied transfer)</translation>
    </message>
    <message>
        <source>Ctrl+Maj+N</source>
        <translation>Ctrl+Shift+N</translation>
    </message>
    <message>
        <source>Ajouter une note horodatée au dossier</source>
        <translation>Add a timestamped note to the case</translation>
    </message>
    <message>
        <source>Ctrl+Maj+W</source>
        <translation>Ctrl+Shift+W</translation>
    </message>
    <message>
        <source>Clôturer le dossier</source>
        <translation>Close the case</translation>
    </message>
    <message>
        <source>Ctrl+Maj+F</source>
        <translation>Ctrl+Shift+F</translation>
    </message>
    <message>
        <source>Décrocher : nouveau dossier avec le numéro et le rappel remplis</source>
        <extracomment>(keys, French description) of the desk phone&apos;s keys, for the F1 sheet (translated when shown).</extracomment>
        <translation>Answer: new case with the number and the callback number filled in</translation>
    </message>
    <message>
        <source>Maj+F3</source>
        <translation>Shift+F3</translation>
    </message>
    <message>
        <source>Décrocher et rattacher l&apos;appel au dossier connu choisi (Alt+↑/↓)</source>
        <translation>Answer and attach the call to the chosen known case (Alt+↑/↓)</translation>
    </message>
    <message>
        <source>Raccrocher</source>
        <translation>Hang up</translation>
    </message>
    <message>
        <source>Mettre l&apos;appel en attente / le reprendre</source>
        <translation>Put the call on hold / resume it</translation>
    </message>
    <message>
        <source>Ctrl+Maj+T</source>
        <translation>Ctrl+Shift+T</translation>
    </message>
    <message>
        <source>Transférer l&apos;appel au poste d&apos;un médecin (transfert accompagné)</source>
        <translation>Transfer the call to a doctor&apos;s desk (accompanied transfer)</translation>
    </message>
    <message>
        <source>Ctrl+Maj+A</source>
        <translation>Ctrl+Shift+A</translation>
    </message>
    <message>
        <source>Appeler : l&apos;effecteur choisi, le patient « à rappeler » ou l&apos;appelant</source>
        <translation>Call: the chosen provider, the patient “to call back” or the caller</translation>
    </message>
    <message>
        <source>Mode afflux : suspendre / rétablir la répartition MRU / MRL</source>
        <translation>Surge mode: suspend / restore the MRU / MRL split</translation>
    </message>
    <message>
        <source>Aller à la file d&apos;attente (Entrée ouvre le dossier et le prend en charge)</source>
        <translation>Go to the queue (Enter opens the case and takes it in charge)</translation>
    </message>
    <message>
        <source>Ctrl+Maj+G</source>
        <translation>Ctrl+Shift+G</translation>
    </message>
    <message>
        <source>Prendre en charge le dossier ouvert</source>
        <translation>Take the open case in charge</translation>
    </message>
    <message>
        <source>Ctrl+Maj+U</source>
        <translation>Ctrl+Shift+U</translation>
    </message>
    <message>
        <source>Libérer le dossier (il revient à la salle)</source>
        <translation>Release the case (back to the room)</translation>
    </message>
    <message>
        <source>Ctrl+Maj+O</source>
        <translation>Ctrl+Shift+O</translation>
    </message>
    <message>
        <source>Changer la priorité du dossier ouvert</source>
        <translation>Change the open case&apos;s priority</translation>
    </message>
</context>
<context>
    <name>SlotTable</name>
    <message>
        <source>Ouvrez un dossier puis lancez la recherche (F5).</source>
        <extracomment>The next slots column may be wider: « lun. 24/11 14:30, 15:00, 16:15 +4 ».</extracomment>
        <translation>Open a case, then start the search (F5).</translation>
    </message>
    <message>
        <source>Liste des créneaux</source>
        <translation>Slot list</translation>
    </message>
</context>
<context>
    <name>SlotTableModel</name>
    <message>
        <source>Groupe</source>
        <extracomment>Column titles, French source strings translated in the model&apos;s context when shown.</extracomment>
        <translation>Group</translation>
    </message>
    <message>
        <source>Début</source>
        <translation>Start</translation>
    </message>
    <message>
        <source>Agenda</source>
        <translation>Diary</translation>
    </message>
    <message>
        <source>Effecteur</source>
        <translation>Provider</translation>
    </message>
    <message>
        <source>Type</source>
        <translation>Type</translation>
    </message>
    <message>
        <source>Mode</source>
        <translation>Mode</translation>
    </message>
    <message>
        <source>Distance</source>
        <translation>Distance</translation>
    </message>
    <message>
        <source>Commune</source>
        <translation>Town</translation>
    </message>
    <message>
        <source>Téléphone</source>
        <translation>Phone</translation>
    </message>
    <message>
        <source>à l&apos;instant</source>
        <extracomment>Row background by ranking group (light, so the selection stays readable). Role giving the effecteur id of a row (``Qt.UserRole`` gives the slot id: an effecteur row&apos;s first). Internal id of a top-level (effecteur) index; a slot row&apos;s is its effecteur&apos;s row + 1.</extracomment>
        <translation>just now</translation>
    </message>
    <message>
        <source>il y a %d min</source>
        <translation>%d min ago</translation>
    </message>
    <message>
        <source>il y a %d h %02d</source>
        <translation>%d h %02d ago</translation>
    </message>
    <message>
        <source>✔ Réservé</source>
        <translation>✔ Booked</translation>
    </message>
    <message>
        <source>☎ à appeler (en sus)</source>
        <translation>☎ to call (extra)</translation>
    </message>
    <message>
        <source>Donnée ancienne : confirmée par l&apos;agenda %s %s ; le créneau peut ne plus être libre, vérifiez avant de réserver.</source>
        <translation>Old data: confirmed by the %s diary %s; the slot may no longer be free, check before booking.</translation>
    </message>
    <message>
        <source>Réservation dans l&apos;agenda du médecin chez %s</source>
        <translation>Booked into the doctor&apos;s diary at %s</translation>
    </message>
    <message>
        <source>Agenda %s consultable seulement : Entrée ouvre l&apos;appel à l&apos;effecteur, puis « RDV confirmé par téléphone »</source>
        <translation>%s diary is view-only: Enter opens the call to the provider, then « Appointment confirmed by phone »</translation>
    </message>
    <message>
        <source>Sans créneau : appeler (Entrée) et noter la réponse</source>
        <translation>No slot: call (Enter) and record the answer</translation>
    </message>
    <message>
        <source>%d créneaux libres : → pour les voir, Entrée réserve le premier</source>
        <translation>%d free slots: → to see them, Enter books the first</translation>
    </message>
    <message>
        <source>Participe au SAS</source>
        <translation>Takes part in the SAS</translation>
    </message>
    <message>
        <source>Accepte des patients en sus des disponibilités</source>
        <translation>Takes patients beyond the available slots</translation>
    </message>
    <message>
        <source>Fin : %s</source>
        <translation>End: %s</translation>
    </message>
</context>
<context>
    <name>SupervisorWall</name>
    <message>
        <source>Mur du superviseur</source>
        <extracomment>Full recomputation at least this often (ms), even when the journal is quiet.</extracomment>
        <translation>Supervisor wall</translation>
    </message>
    <message>
        <source>Toutes</source>
        <translation>All</translation>
    </message>
    <message>
        <source>Non orientée</source>
        <translation>Not routed</translation>
    </message>
    <message>
        <source>&amp;Filière :</source>
        <translation>&amp;Stream:</translation>
    </message>
    <message>
        <source>&amp;Priorité :</source>
        <translation>&amp;Priority:</translation>
    </message>
    <message>
        <source>&amp;Actualiser (Ctrl+R)</source>
        <translation>&amp;Refresh (Ctrl+R)</translation>
    </message>
    <message>
        <source>E&amp;xporter le journal… (Ctrl+Maj+E)</source>
        <translation>E&amp;xport the journal… (Ctrl+Shift+E)</translation>
    </message>
    <message>
        <source>En attente — AMU</source>
        <translation>Waiting — AMU</translation>
    </message>
    <message>
        <source>En attente — SNP</source>
        <translation>Waiting — SNP</translation>
    </message>
    <message>
        <source>Plus longue attente</source>
        <translation>Longest wait</translation>
    </message>
    <message>
        <source>P0 en cours (accompagnés)</source>
        <translation>P0 in progress (accompanied)</translation>
    </message>
    <message>
        <source>Décrochés &lt; 60 s (QS60)</source>
        <translation>Answered &lt; 60 s (QS60)</translation>
    </message>
    <message>
        <source>Décrochés &lt; 30 s (QS30)</source>
        <translation>Answered &lt; 30 s (QS30)</translation>
    </message>
    <message>
        <source>Délai jusqu&apos;au médecin P1 (médiane / p90)</source>
        <translation>Time to doctor, P1 (median / p90)</translation>
    </message>
    <message>
        <source>SNP terminés par un RDV</source>
        <translation>SNP ended with an appointment</translation>
    </message>
    <message>
        <source>Appels présentés</source>
        <translation>Calls presented</translation>
    </message>
    <message>
        <source>Décrochés en 60 s ou moins</source>
        <translation>Answered within 60 s</translation>
    </message>
    <message>
        <source>Appels par heure sur la garde</source>
        <translation>Calls per hour over the shift</translation>
    </message>
    <message>
        <source>Dossiers en main par opérateur</source>
        <translation>Cases in hand per operator</translation>
    </message>
    <message>
        <source>Dossiers en main</source>
        <translation>Cases in hand</translation>
    </message>
    <message>
        <source>Actualiser les indicateurs</source>
        <translation>Refresh the indicators</translation>
    </message>
    <message>
        <source>Exporter le journal filtré (CSV)…</source>
        <translation>Export the filtered journal (CSV)…</translation>
    </message>
    <message>
        <source>aucun</source>
        <translation>none</translation>
    </message>
    <message>
        <source>%d abandonné(s), %d dossier(s) aux heures saisies</source>
        <translation>%d abandoned, %d case(s) with typed times</translation>
    </message>
    <message>
        <source>%s : %d dossier(s)</source>
        <translation>%s: %d case(s)</translation>
    </message>
    <message>
        <source>Non présentés : %.0f %% — annulations : %.0f %%. %s</source>
        <translation>No-shows: %.0f %% — cancellations: %.0f %%. %s</translation>
    </message>
    <message>
        <source>Garde du %s au %s — %d appel(s)</source>
        <translation>Shift from %s to %s — %d call(s)</translation>
    </message>
    <message>
        <source>Mis à jour à %s</source>
        <translation>Updated at %s</translation>
    </message>
    <message>
        <source>%d sur %d</source>
        <translation>%d of %d</translation>
    </message>
    <message>
        <source>%d dossier(s) en attente</source>
        <translation>%d case(s) waiting</translation>
    </message>
    <message>
        <source>%d appel(s) en attente — plus longue %s</source>
        <translation>%d call(s) waiting — longest %s</translation>
    </message>
    <message>
        <source>Échec : %s</source>
        <translation>Failed: %s</translation>
    </message>
    <message>
        <source>Exporter le journal</source>
        <translation>Export the journal</translation>
    </message>
    <message>
        <source>Fichiers CSV (*.csv)</source>
        <translation>CSV files (*.csv)</translation>
    </message>
    <message>
        <source>%d entrée(s) exportée(s) vers %s</source>
        <translation>%d entr(y/ies) exported to %s</translation>
    </message>
</context>
<context>
    <name>Tile</name>
    <message>
        <source>%s : %s</source>
        <translation>%s: %s</translation>
    </message>
</context>
<context>
    <name>WindowMenus</name>
    <message>
        <source>&amp;Console</source>
        <translation>&amp;Console</translation>
    </message>
    <message>
        <source>&amp;Paramètres…</source>
        <translation>&amp;Settings…</translation>
    </message>
    <message>
        <source>&amp;Affichage</source>
        <translation>&amp;View</translation>
    </message>
    <message>
        <source>&amp;Rétablir la disposition</source>
        <translation>&amp;Restore the layout</translation>
    </message>
    <message>
        <source>Ai&amp;de</source>
        <translation>&amp;Help</translation>
    </message>
    <message>
        <source>&amp;Raccourcis clavier (F1)</source>
        <translation>&amp;Keyboard shortcuts (F1)</translation>
    </message>
</context>
</TS>
