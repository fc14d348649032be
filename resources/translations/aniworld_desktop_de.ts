<?xml version="1.0" encoding="utf-8"?>
<!DOCTYPE TS>
<TS version="2.1" language="de" sourcelanguage="en">
<context>
    <name>AboutDialog</name>
    <message>
        <source>About Aniworld Desktop</source>
        <translation>Über Aniworld Desktop</translation>
    </message>
    <message>
        <source>&lt;h3&gt;Aniworld Desktop {version}&lt;/h3&gt;&lt;p&gt;Follows series, downloads what is missing and describes it for Kodi and Jellyfin.&lt;/p&gt;&lt;p&gt;Free software under the MIT licence.&lt;/p&gt;&lt;p&gt;Profile: {profile}&lt;br&gt;Library: {library}&lt;/p&gt;&lt;p&gt;&lt;a href=&quot;{guide}&quot;&gt;User guide&lt;/a&gt;&lt;/p&gt;</source>
        <translation>&lt;h3&gt;Aniworld Desktop {version}&lt;/h3&gt;&lt;p&gt;Folgt Serien, lädt herunter, was fehlt, und beschreibt es für Kodi und Jellyfin.&lt;/p&gt;&lt;p&gt;Freie Software unter der MIT-Lizenz.&lt;/p&gt;&lt;p&gt;Profil: {profile}&lt;br&gt;Bibliothek: {library}&lt;/p&gt;&lt;p&gt;&lt;a href=&quot;{guide}&quot;&gt;Benutzerhandbuch&lt;/a&gt;&lt;/p&gt;</translation>
    </message>
</context>
<context>
    <name>ActivityModel</name>
    <message>
        <source>Time</source>
        <translation>Zeit</translation>
    </message>
    <message>
        <source>Level</source>
        <translation>Stufe</translation>
    </message>
    <message>
        <source>Source</source>
        <translation>Quelle</translation>
    </message>
    <message>
        <source>Message</source>
        <translation>Meldung</translation>
    </message>
    <message>
        <source>Downloads</source>
        <translation>Downloads</translation>
    </message>
    <message>
        <source>Library</source>
        <translation>Bibliothek</translation>
    </message>
    <message>
        <source>Metadata</source>
        <translation>Metadaten</translation>
    </message>
    <message>
        <source>Auto-download</source>
        <translation>Auto-Download</translation>
    </message>
    <message>
        <source>Sources</source>
        <translation>Quellen</translation>
    </message>
    <message>
        <source>Media servers</source>
        <translation>Medienserver</translation>
    </message>
    <message>
        <source>Database</source>
        <translation>Datenbank</translation>
    </message>
    <message>
        <source>Network</source>
        <translation>Netzwerk</translation>
    </message>
    <message>
        <source>Window</source>
        <translation>Fenster</translation>
    </message>
    <message>
        <source>Program</source>
        <translation>Programm</translation>
    </message>
    <message>
        <source>DEBUG</source>
        <translation>DEBUG</translation>
    </message>
    <message>
        <source>INFO</source>
        <translation>INFO</translation>
    </message>
    <message>
        <source>WARNING</source>
        <translation>WARNUNG</translation>
    </message>
    <message>
        <source>ERROR</source>
        <translation>FEHLER</translation>
    </message>
    <message>
        <source>CRITICAL</source>
        <translation>KRITISCH</translation>
    </message>
</context>
<context>
    <name>ActivityPanel</name>
    <message>
        <source>All</source>
        <translation>Alle</translation>
    </message>
    <message>
        <source>Warnings and errors</source>
        <translation>Warnungen und Fehler</translation>
    </message>
    <message>
        <source>Errors</source>
        <translation>Fehler</translation>
    </message>
    <message>
        <source>Copy</source>
        <translation>Kopieren</translation>
    </message>
    <message>
        <source>Copy all</source>
        <translation>Alles kopieren</translation>
    </message>
    <message>
        <source>Clear</source>
        <translation>Leeren</translation>
    </message>
    <message>
        <source>Activity log</source>
        <translation>Aktivitätsprotokoll</translation>
    </message>
    <message>
        <source>What the app has been doing, newest last; Ctrl+C copies the selected lines</source>
        <translation>Was das Programm getan hat, das Neueste zuletzt; Strg+C kopiert die ausgewählten Zeilen</translation>
    </message>
    <message>
        <source>Least important level shown</source>
        <translation>Niedrigste angezeigte Stufe</translation>
    </message>
    <message>
        <source>Empties the activity log</source>
        <translation>Leert das Aktivitätsprotokoll</translation>
    </message>
    <message>
        <source>Show:</source>
        <translation>Anzeigen:</translation>
    </message>
</context>
<context>
    <name>AddLinksDialog</name>
    <message>
        <source>Add Links</source>
        <translation>Links hinzufügen</translation>
    </message>
    <message>
        <source>&amp;Links to video files or feeds, one per line:</source>
        <translation>&amp;Links zu Videodateien oder Feeds, einer pro Zeile:</translation>
    </message>
    <message>
        <source>Links</source>
        <translation>Links</translation>
    </message>
    <message>
        <source>Links to video files or feeds, one per line</source>
        <translation>Links zu Videodateien oder Feeds, einer pro Zeile</translation>
    </message>
    <message>
        <source>&amp;Add</source>
        <translation>&amp;Hinzufügen</translation>
    </message>
    <message>
        <source>Paste or type one link per line.</source>
        <translation>Fügen Sie einen Link pro Zeile ein oder geben Sie ihn ein.</translation>
    </message>
    <message numerus="yes">
        <source>%n link(s) to add.</source>
        <translation>
            <numerusform>%n Link wird hinzugefügt.</numerusform>
            <numerusform>%n Links werden hinzugefügt.</numerusform>
        </translation>
    </message>
    <message numerus="yes">
        <source>%n cannot be added:</source>
        <translation>
            <numerusform>%n kann nicht hinzugefügt werden:</numerusform>
            <numerusform>%n können nicht hinzugefügt werden:</numerusform>
        </translation>
    </message>
    <message numerus="yes">
        <source>… and %n more.</source>
        <translation>
            <numerusform>… und %n weiterer.</numerusform>
            <numerusform>… und %n weitere.</numerusform>
        </translation>
    </message>
</context>
<context>
    <name>AddSeriesDialog</name>
    <message>
        <source>Add series</source>
        <translation>Serie hinzufügen</translation>
    </message>
    <message>
        <source>Feed link</source>
        <translation>Feed-Link</translation>
    </message>
    <message>
        <source>&amp;Preview</source>
        <translation>&amp;Vorschau</translation>
    </message>
    <message>
        <source>The link of a podcast-style RSS or Atom feed</source>
        <translation>Der Link eines RSS- oder Atom-Feeds im Podcast-Stil</translation>
    </message>
    <message>
        <source>Episodes in the feed</source>
        <translation>Folgen im Feed</translation>
    </message>
    <message>
        <source>Feed &amp;link:</source>
        <translation>Feed-&amp;Link:</translation>
    </message>
    <message>
        <source>Paste the link of a podcast-style RSS or Atom feed, then press Enter to add it (or Preview to look first).</source>
        <translation>Fügen Sie den Link eines RSS- oder Atom-Feeds im Podcast-Stil ein und drücken Sie die Eingabetaste, um ihn hinzuzufügen (oder Vorschau, um erst hineinzuschauen).</translation>
    </message>
    <message>
        <source>&amp;Add</source>
        <translation>&amp;Hinzufügen</translation>
    </message>
    <message>
        <source>New episodes only</source>
        <translation>Nur neue Folgen</translation>
    </message>
    <message>
        <source>From the latest season on</source>
        <translation>Ab der neuesten Staffel</translation>
    </message>
    <message>
        <source>Everything, the back catalogue too</source>
        <translation>Alles, auch die älteren Folgen</translation>
    </message>
    <message>
        <source>Nothing for now</source>
        <translation>Vorerst nichts</translation>
    </message>
    <message>
        <source>Episodes wanted</source>
        <translation>Gewünschte Folgen</translation>
    </message>
    <message>
        <source>Which episodes are downloaded: a feed&apos;s back catalogue only when you ask for it</source>
        <translation>Welche Folgen heruntergeladen werden: die älteren Folgen eines Feeds nur, wenn Sie es wünschen</translation>
    </message>
    <message>
        <source>&amp;Want:</source>
        <translation>&amp;Gewünscht:</translation>
    </message>
    <message>
        <source>Looking at the link…</source>
        <translation>Der Link wird geprüft…</translation>
    </message>
    <message numerus="yes">
        <source>{title} from {provider}: %n episode(s)</source>
        <translation>
            <numerusform>{title} von {provider}: %n Folge</numerusform>
            <numerusform>{title} von {provider}: %n Folgen</numerusform>
        </translation>
    </message>
    <message numerus="yes">
        <source>{found} and %n trailer(s) or bonus item(s)</source>
        <translation>
            <numerusform>{found} und %n Trailer oder Bonusinhalt</numerusform>
            <numerusform>{found} und %n Trailer oder Bonusinhalte</numerusform>
        </translation>
    </message>
</context>
<context>
    <name>DetailsPane</name>
    <message>
        <source>Series details</source>
        <translation>Details der Serie</translation>
    </message>
    <message>
        <source>Title</source>
        <translation>Titel</translation>
    </message>
    <message>
        <source>Genres and source</source>
        <translation>Genres und Quelle</translation>
    </message>
    <message>
        <source>Plot</source>
        <translation>Handlung</translation>
    </message>
    <message>
        <source>Episode counts</source>
        <translation>Folgenzahlen</translation>
    </message>
    <message>
        <source>TMDB link</source>
        <translation>TMDB-Link</translation>
    </message>
    <message>
        <source>Poster</source>
        <translation>Poster</translation>
    </message>
    <message>
        <source>No series chosen</source>
        <translation>Keine Serie gewählt</translation>
    </message>
    <message>
        <source>Choose a series to see its details.</source>
        <translation>Wählen Sie eine Serie, um ihre Details zu sehen.</translation>
    </message>
    <message>
        <source>No poster</source>
        <translation>Kein Poster</translation>
    </message>
    <message>
        <source>No source: only what is on disk</source>
        <translation>Keine Quelle: nur was auf der Platte liegt</translation>
    </message>
    <message>
        <source>Source: {provider}</source>
        <translation>Quelle: {provider}</translation>
    </message>
    <message>
        <source>No plot is known yet.</source>
        <translation>Noch keine Handlung bekannt.</translation>
    </message>
    <message numerus="yes">
        <source>{on_disk} of %n episode(s) on disk</source>
        <translation>
            <numerusform>{on_disk} von %n Folge vorhanden</numerusform>
            <numerusform>{on_disk} von %n Folgen vorhanden</numerusform>
        </translation>
    </message>
    <message numerus="yes">
        <source>%n missing</source>
        <translation>
            <numerusform>%n fehlt</numerusform>
            <numerusform>%n fehlen</numerusform>
        </translation>
    </message>
    <message numerus="yes">
        <source>%n queued</source>
        <translation>
            <numerusform>%n in der Warteschlange</numerusform>
            <numerusform>%n in der Warteschlange</numerusform>
        </translation>
    </message>
    <message>
        <source>On TMDB: {link}</source>
        <translation>Bei TMDB: {link}</translation>
    </message>
    <message>
        <source>Not matched on TMDB yet.</source>
        <translation>Noch keiner TMDB-Serie zugeordnet.</translation>
    </message>
</context>
<context>
    <name>EpisodeTreeModel</name>
    <message>
        <source>Episode</source>
        <translation>Folge</translation>
    </message>
    <message>
        <source>Title</source>
        <translation>Titel</translation>
    </message>
    <message>
        <source>Air date</source>
        <translation>Sendedatum</translation>
    </message>
    <message>
        <source>State</source>
        <translation>Zustand</translation>
    </message>
    <message>
        <source>On disk</source>
        <translation>Vorhanden</translation>
    </message>
    <message>
        <source>Missing</source>
        <translation>Fehlt</translation>
    </message>
    <message>
        <source>Queued</source>
        <translation>Eingereiht</translation>
    </message>
    <message>
        <source>Downloading</source>
        <translation>Lädt herunter</translation>
    </message>
    <message>
        <source>Paused</source>
        <translation>Pausiert</translation>
    </message>
    <message>
        <source>Failed</source>
        <translation>Fehlgeschlagen</translation>
    </message>
    <message>
        <source>Not released</source>
        <translation>Noch nicht erschienen</translation>
    </message>
    <message>
        <source>Trailer</source>
        <translation>Trailer</translation>
    </message>
    <message>
        <source>Bonus</source>
        <translation>Bonus</translation>
    </message>
    <message>
        <source>Not monitored</source>
        <translation>Nicht überwacht</translation>
    </message>
    <message>
        <source>Specials</source>
        <translation>Specials</translation>
    </message>
    <message>
        <source>Season {number}</source>
        <translation>Staffel {number}</translation>
    </message>
    <message numerus="yes">
        <source>{on_disk} of %n on disk</source>
        <translation>
            <numerusform>{on_disk} von %n vorhanden</numerusform>
            <numerusform>{on_disk} von %n vorhanden</numerusform>
        </translation>
    </message>
</context>
<context>
    <name>HelpCommands</name>
    <message>
        <source>Nothing on this desktop opens {url}; open it in a browser.</source>
        <translation>Nichts auf diesem Desktop öffnet {url}; öffnen Sie es in einem Browser.</translation>
    </message>
</context>
<context>
    <name>ImportDialog</name>
    <message>
        <source>Import Library</source>
        <translation>Bibliothek importieren</translation>
    </message>
    <message>
        <source>Each folder of {folder} that is no followed series yet. Tick the ones to follow; the ones left unticked are left out of scans from now on. Nothing is renamed or deleted.</source>
        <translation>Jeder Ordner in {folder}, der noch keine verfolgte Serie ist. Haken Sie die an, die verfolgt werden sollen; die ohne Haken lassen künftige Scans aus. Nichts wird umbenannt oder gelöscht.</translation>
    </message>
    <message>
        <source>Proposed series</source>
        <translation>Vorgeschlagene Serien</translation>
    </message>
    <message>
        <source>Folder</source>
        <translation>Ordner</translation>
    </message>
    <message>
        <source>TMDB match</source>
        <translation>TMDB-Zuordnung</translation>
    </message>
    <message>
        <source>Year</source>
        <translation>Jahr</translation>
    </message>
    <message>
        <source>Episodes</source>
        <translation>Folgen</translation>
    </message>
    <message>
        <source>Confidence</source>
        <translation>Sicherheit</translation>
    </message>
    <message>
        <source>Problem</source>
        <translation>Problem</translation>
    </message>
    <message>
        <source>Import progress</source>
        <translation>Fortschritt des Imports</translation>
    </message>
    <message>
        <source>Cancel</source>
        <translation>Abbrechen</translation>
    </message>
    <message>
        <source>Change &amp;Match…</source>
        <translation>&amp;Zuordnung ändern…</translation>
    </message>
    <message>
        <source>&amp;No Match</source>
        <translation>&amp;Keine Zuordnung</translation>
    </message>
    <message>
        <source>Follow the folder without a TMDB match</source>
        <translation>Den Ordner ohne TMDB-Zuordnung verfolgen</translation>
    </message>
    <message>
        <source>&amp;Import</source>
        <translation>&amp;Importieren</translation>
    </message>
    <message>
        <source>Close</source>
        <translation>Schließen</translation>
    </message>
    <message>
        <source>Cancelled.</source>
        <translation>Abgebrochen.</translation>
    </message>
    <message>
        <source>Something went wrong; the activity log says what.</source>
        <translation>Etwas ist schiefgegangen; das Aktivitätsprotokoll sagt, was.</translation>
    </message>
    <message>
        <source>Bringing the episodes of {folder}</source>
        <translation>Hole die Folgen von {folder}</translation>
    </message>
    <message>
        <source>Matching {folder}</source>
        <translation>Ordne {folder} zu</translation>
    </message>
    <message>
        <source>{what} ({done} of {total})</source>
        <translation>{what} ({done} von {total})</translation>
    </message>
    <message>
        <source>Looking through {folder}…</source>
        <translation>Durchsuche {folder}…</translation>
    </message>
    <message>
        <source>Every folder of the library is followed already.</source>
        <translation>Jeder Ordner der Bibliothek wird schon verfolgt.</translation>
    </message>
    <message numerus="yes">
        <source>%n folder(s) to import</source>
        <translation>
            <numerusform>%n Ordner zu importieren</numerusform>
            <numerusform>%n Ordner zu importieren</numerusform>
        </translation>
    </message>
    <message numerus="yes">
        <source>; %n need(s) a look.</source>
        <translation>
            <numerusform>; %n braucht einen Blick.</numerusform>
            <numerusform>; %n brauchen einen Blick.</numerusform>
        </translation>
    </message>
    <message>
        <source>No TMDB match: it is followed with what is on disk.</source>
        <translation>Keine TMDB-Zuordnung: er wird mit dem verfolgt, was auf der Platte liegt.</translation>
    </message>
    <message>
        <source>Not sure of this match: check it, or change it.</source>
        <translation>Diese Zuordnung ist unsicher: prüfen oder ändern Sie sie.</translation>
    </message>
    <message numerus="yes">
        <source>{recognised} of %n video file(s) name their episode</source>
        <translation>
            <numerusform>{recognised} von %n Videodatei nennt ihre Folge</numerusform>
            <numerusform>{recognised} von %n Videodateien nennen ihre Folge</numerusform>
        </translation>
    </message>
    <message>
        <source>No TMDB match, as you chose.</source>
        <translation>Keine TMDB-Zuordnung, wie gewählt.</translation>
    </message>
    <message numerus="yes">
        <source>Importing %n series…</source>
        <translation>
            <numerusform>Importiere %n Serie…</numerusform>
            <numerusform>Importiere %n Serien…</numerusform>
        </translation>
    </message>
    <message numerus="yes">
        <source>Imported %n series: {matched} matched, {review} to review, {unmatched} not matched.</source>
        <translation>
            <numerusform>%n Serie importiert: {matched} zugeordnet, {review} zu prüfen, {unmatched} nicht zugeordnet.</numerusform>
            <numerusform>%n Serien importiert: {matched} zugeordnet, {review} zu prüfen, {unmatched} nicht zugeordnet.</numerusform>
        </translation>
    </message>
</context>
<context>
    <name>LibraryPane</name>
    <message>
        <source>Filter series ({shortcut})</source>
        <translation>Serien filtern ({shortcut})</translation>
    </message>
    <message>
        <source>Filter series</source>
        <translation>Serien filtern</translation>
    </message>
    <message>
        <source>Shows only the series whose title contains the text</source>
        <translation>Zeigt nur die Serien, deren Titel den Text enthält</translation>
    </message>
    <message>
        <source>Series</source>
        <translation>Serie</translation>
    </message>
    <message>
        <source>The followed series with their episode counts; drag one onto the queue</source>
        <translation>Die verfolgten Serien mit ihren Folgenzahlen; ziehen Sie eine auf die Warteschlange</translation>
    </message>
    <message>
        <source>Episodes</source>
        <translation>Folgen</translation>
    </message>
    <message>
        <source>The episodes of the selected series, by season; drag them onto the queue</source>
        <translation>Die Folgen der ausgewählten Serie nach Staffeln; ziehen Sie sie auf die Warteschlange</translation>
    </message>
    <message>
        <source>Refresh the library</source>
        <translation>Bibliothek aktualisieren</translation>
    </message>
    <message>
        <source>Show episodes</source>
        <translation>Folgen anzeigen</translation>
    </message>
    <message>
        <source>Monitor</source>
        <translation>Überwachen</translation>
    </message>
</context>
<context>
    <name>Links</name>
    <message>
        <source>Paste or type a link.</source>
        <translation>Fügen Sie einen Link ein oder geben Sie ihn ein.</translation>
    </message>
    <message>
        <source>A link cannot contain spaces.</source>
        <translation>Ein Link darf keine Leerzeichen enthalten.</translation>
    </message>
    <message>
        <source>This is not a valid link.</source>
        <translation>Das ist kein gültiger Link.</translation>
    </message>
    <message>
        <source>Only http and https links can be added.</source>
        <translation>Nur http- und https-Links können hinzugefügt werden.</translation>
    </message>
    <message>
        <source>The link has no server name.</source>
        <translation>Der Link enthält keinen Servernamen.</translation>
    </message>
</context>
<context>
    <name>MainWindow</name>
    <message>
        <source>Opening the library…</source>
        <translation>Die Bibliothek wird geöffnet…</translation>
    </message>
    <message>
        <source>&amp;Quit</source>
        <translation>&amp;Beenden</translation>
    </message>
    <message>
        <source>&amp;File</source>
        <translation>&amp;Datei</translation>
    </message>
    <message>
        <source>Activity</source>
        <translation>Aktivität</translation>
    </message>
    <message>
        <source>Still running in the tray; downloads continue.</source>
        <translation>Läuft im Infobereich weiter; die Downloads laufen weiter.</translation>
    </message>
</context>
<context>
    <name>MediathekSearchDialog</name>
    <message>
        <source>Search the public broadcasters</source>
        <translation>Öffentlich-rechtliche Mediatheken durchsuchen</translation>
    </message>
    <message>
        <source>Programme, e.g. Terra X or Bergdoktor</source>
        <translation>Sendung, z. B. Terra X oder Bergdoktor</translation>
    </message>
    <message>
        <source>Search the film list</source>
        <translation>Die Filmliste durchsuchen</translation>
    </message>
    <message>
        <source>Channel</source>
        <translation>Sender</translation>
    </message>
    <message>
        <source>All channels</source>
        <translation>Alle Sender</translation>
    </message>
    <message>
        <source>Programmes found</source>
        <translation>Gefundene Sendungen</translation>
    </message>
    <message>
        <source>Programme</source>
        <translation>Sendung</translation>
    </message>
    <message>
        <source>Films</source>
        <translation>Filme</translation>
    </message>
    <message>
        <source>Newest</source>
        <translation>Neuester</translation>
    </message>
    <message>
        <source>Newest films of the programme</source>
        <translation>Die neuesten Filme der Sendung</translation>
    </message>
    <message>
        <source>Title</source>
        <translation>Titel</translation>
    </message>
    <message>
        <source>Broadcast</source>
        <translation>Ausgestrahlt</translation>
    </message>
    <message>
        <source>Length</source>
        <translation>Dauer</translation>
    </message>
    <message>
        <source>Available in</source>
        <translation>Verfügbar in</translation>
    </message>
    <message>
        <source>Title filter</source>
        <translation>Titelfilter</translation>
    </message>
    <message>
        <source>empty: every film of the programme</source>
        <translation>leer: jeder Film der Sendung</translation>
    </message>
    <message>
        <source>Quality</source>
        <translation>Qualität</translation>
    </message>
    <message>
        <source>Default ({quality})</source>
        <translation>Standard ({quality})</translation>
    </message>
    <message>
        <source>&amp;Follow</source>
        <translation>&amp;Folgen</translation>
    </message>
    <message>
        <source>&amp;Search:</source>
        <translation>Su&amp;che:</translation>
    </message>
    <message>
        <source>&amp;Channel:</source>
        <translation>&amp;Sender:</translation>
    </message>
    <message>
        <source>Only &amp;titles with:</source>
        <translation>Nur &amp;Titel mit:</translation>
    </message>
    <message>
        <source>&amp;Quality:</source>
        <translation>&amp;Qualität:</translation>
    </message>
    <message>
        <source>Looking for the film list…</source>
        <translation>Die Filmliste wird gesucht…</translation>
    </message>
    <message>
        <source>Downloading the public broadcasters&apos; film list for the first time; this takes a minute or two…</source>
        <translation>Die Filmliste der öffentlich-rechtlichen Sender wird zum ersten Mal heruntergeladen; das dauert ein bis zwei Minuten…</translation>
    </message>
    <message numerus="yes">
        <source>%n film(s) in the film list. Type a programme&apos;s name.</source>
        <translation>
            <numerusform>%n Film in der Filmliste. Tippen Sie den Namen einer Sendung.</numerusform>
            <numerusform>%n Filme in der Filmliste. Tippen Sie den Namen einer Sendung.</numerusform>
        </translation>
    </message>
    <message numerus="yes">
        <source>%n programme(s) found.</source>
        <translation>
            <numerusform>%n Sendung gefunden.</numerusform>
            <numerusform>%n Sendungen gefunden.</numerusform>
        </translation>
    </message>
    <message>
        <source>No programme of the film list matches {text}.</source>
        <translation>Keine Sendung der Filmliste passt zu {text}.</translation>
    </message>
    <message>
        <source>only {countries}</source>
        <translation>nur {countries}</translation>
    </message>
    <message>
        <source>everywhere</source>
        <translation>überall</translation>
    </message>
    <message>
        <source>The broadcaster shows this film only in {countries}.</source>
        <translation>Der Sender zeigt diesen Film nur in {countries}.</translation>
    </message>
    <message>
        <source>HD</source>
        <translation>HD</translation>
    </message>
    <message>
        <source>SD</source>
        <translation>SD</translation>
    </message>
    <message>
        <source>small</source>
        <translation>klein</translation>
    </message>
</context>
<context>
    <name>MediathekTexts</name>
    <message>
        <source>HD</source>
        <translation>HD</translation>
    </message>
    <message>
        <source>SD</source>
        <translation>SD</translation>
    </message>
    <message>
        <source>small</source>
        <translation>klein</translation>
    </message>
    <message>
        <source>Standard</source>
        <translation>Normal</translation>
    </message>
    <message>
        <source>Audio description</source>
        <translation>Audiodeskription</translation>
    </message>
    <message>
        <source>Sign language</source>
        <translation>Gebärdensprache</translation>
    </message>
    <message>
        <source>{title} (only in {countries})</source>
        <translation>{title} (nur in {countries})</translation>
    </message>
    <message>
        <source>Only available in {countries}: the broadcaster refuses the download elsewhere.</source>
        <translation>Nur in {countries} verfügbar: anderswo verweigert der Sender den Download.</translation>
    </message>
</context>
<context>
    <name>NotificationTexts</name>
    <message numerus="yes">
        <source>{shown} and %n more</source>
        <translation>
            <numerusform>{shown} und %n weitere</numerusform>
            <numerusform>{shown} und %n weitere</numerusform>
        </translation>
    </message>
    <message>
        <source>Unknown series</source>
        <translation>Unbekannte Serie</translation>
    </message>
    <message numerus="yes">
        <source>Queued %n new episode(s) of {title}, {episodes}</source>
        <translation>
            <numerusform>%n neue Folge von {title} eingereiht, {episodes}</numerusform>
            <numerusform>%n neue Folgen von {title} eingereiht, {episodes}</numerusform>
        </translation>
    </message>
    <message numerus="yes">
        <source>Queued %n new episode(s): {list}</source>
        <translation>
            <numerusform>%n neue Folge eingereiht: {list}</numerusform>
            <numerusform>%n neue Folgen eingereiht: {list}</numerusform>
        </translation>
    </message>
    <message numerus="yes">
        <source>Downloaded %n episode(s): {list}</source>
        <translation>
            <numerusform>%n Folge heruntergeladen: {list}</numerusform>
            <numerusform>%n Folgen heruntergeladen: {list}</numerusform>
        </translation>
    </message>
    <message numerus="yes">
        <source>%n download(s) failed: {list}</source>
        <translation>
            <numerusform>%n Download fehlgeschlagen: {list}</numerusform>
            <numerusform>%n Downloads fehlgeschlagen: {list}</numerusform>
        </translation>
    </message>
</context>
<context>
    <name>Notifier</name>
    <message>
        <source>New episodes queued</source>
        <translation>Neue Folgen eingereiht</translation>
    </message>
    <message>
        <source>Downloads finished</source>
        <translation>Downloads abgeschlossen</translation>
    </message>
    <message>
        <source>Downloads failed</source>
        <translation>Downloads fehlgeschlagen</translation>
    </message>
</context>
<context>
    <name>ProfileLock</name>
    <message>
        <source>Another program</source>
        <translation>Ein anderes Programm</translation>
    </message>
    <message>
        <source>Another Aniworld Desktop window (process %1, since %2)</source>
        <translation>Ein anderes Aniworld-Desktop-Fenster (Prozess %1, seit %2)</translation>
    </message>
    <message>
        <source>The command &apos;%1&apos; (process %2, since %3)</source>
        <translation>Der Befehl &apos;%1&apos; (Prozess %2, seit %3)</translation>
    </message>
    <message>
        <source>Another run is using this profile</source>
        <translation>Ein anderer Lauf verwendet dieses Profil</translation>
    </message>
    <message>
        <source>%1 is working on this profile. The window opens as soon as it has finished.</source>
        <translation>%1 arbeitet mit diesem Profil. Das Fenster öffnet sich, sobald das Profil wieder frei ist.</translation>
    </message>
    <message>
        <source>&amp;Quit</source>
        <translation>&amp;Beenden</translation>
    </message>
</context>
<context>
    <name>QueuePane</name>
    <message>
        <source>All states</source>
        <translation>Alle Zustände</translation>
    </message>
    <message>
        <source>To do</source>
        <translation>Offen</translation>
    </message>
    <message>
        <source>Downloading</source>
        <translation>Lädt herunter</translation>
    </message>
    <message>
        <source>Failed</source>
        <translation>Fehlgeschlagen</translation>
    </message>
    <message>
        <source>Completed</source>
        <translation>Fertig</translation>
    </message>
    <message>
        <source>Cancelled</source>
        <translation>Abgebrochen</translation>
    </message>
    <message>
        <source>Filter downloads by series or title</source>
        <translation>Downloads nach Serie oder Titel filtern</translation>
    </message>
    <message>
        <source>Show downloads in state</source>
        <translation>Downloads in diesem Zustand zeigen</translation>
    </message>
    <message>
        <source>Filter downloads</source>
        <translation>Downloads filtern</translation>
    </message>
    <message>
        <source>&amp;Hide completed</source>
        <translation>Fertige &amp;ausblenden</translation>
    </message>
    <message>
        <source>Leave finished downloads out of the list</source>
        <translation>Abgeschlossene Downloads nicht in der Liste zeigen</translation>
    </message>
    <message>
        <source>Download queue</source>
        <translation>Download-Warteschlange</translation>
    </message>
    <message>
        <source>Downloads in the order they run; drop or paste links, episodes or series here</source>
        <translation>Die Downloads in der Reihenfolge, in der sie laufen; legen Sie hier Links, Folgen oder Serien ab oder fügen Sie sie ein</translation>
    </message>
    <message>
        <source>Shows only the downloads whose series or title contains the text</source>
        <translation>Zeigt nur die Downloads, deren Serie oder Titel den Text enthält</translation>
    </message>
    <message>
        <source>Download state</source>
        <translation>Download-Status</translation>
    </message>
    <message>
        <source>Shows only the downloads in the chosen state</source>
        <translation>Zeigt nur die Downloads im gewählten Status</translation>
    </message>
    <message>
        <source>Show Them</source>
        <translation>Anzeigen</translation>
    </message>
    <message>
        <source>Add the earlier finished downloads to the list (a long history takes a moment)</source>
        <translation>Die früheren abgeschlossenen Downloads in die Liste holen (bei einer langen Liste dauert das einen Moment)</translation>
    </message>
    <message numerus="yes">
        <source>%n earlier finished download(s) not in the list.</source>
        <translation>
            <numerusform>%n früherer abgeschlossener Download ist nicht in der Liste.</numerusform>
            <numerusform>%n frühere abgeschlossene Downloads sind nicht in der Liste.</numerusform>
        </translation>
    </message>
    <message>
        <source>{shown} of {total}</source>
        <translation>{shown} von {total}</translation>
    </message>
    <message>
        <source>The clipboard is empty.</source>
        <translation>Die Zwischenablage ist leer.</translation>
    </message>
</context>
<context>
    <name>QueueTableModel</name>
    <message>
        <source>Priority</source>
        <translation>Priorität</translation>
    </message>
    <message>
        <source>Series</source>
        <translation>Serie</translation>
    </message>
    <message>
        <source>Episode</source>
        <translation>Folge</translation>
    </message>
    <message>
        <source>Title</source>
        <translation>Titel</translation>
    </message>
    <message>
        <source>Status</source>
        <translation>Status</translation>
    </message>
    <message>
        <source>Progress</source>
        <translation>Fortschritt</translation>
    </message>
    <message>
        <source>Speed</source>
        <translation>Tempo</translation>
    </message>
    <message>
        <source>ETA</source>
        <translation>Restzeit</translation>
    </message>
    <message>
        <source>Size</source>
        <translation>Größe</translation>
    </message>
    <message>
        <source>Error</source>
        <translation>Fehler</translation>
    </message>
    <message>
        <source>Queued</source>
        <translation>Wartend</translation>
    </message>
    <message>
        <source>Downloading</source>
        <translation>Lädt herunter</translation>
    </message>
    <message>
        <source>Paused</source>
        <translation>Pausiert</translation>
    </message>
    <message>
        <source>Completed</source>
        <translation>Fertig</translation>
    </message>
    <message>
        <source>Failed</source>
        <translation>Fehlgeschlagen</translation>
    </message>
    <message>
        <source>Cancelled</source>
        <translation>Abgebrochen</translation>
    </message>
    <message>
        <source>Sort by priority and clear the filter to reorder by dragging.</source>
        <translation>Zum Umsortieren per Ziehen nach Priorität sortieren und den Filter leeren.</translation>
    </message>
    <message>
        <source>Clear the filter to reorder by dragging.</source>
        <translation>Zum Umsortieren per Ziehen den Filter leeren.</translation>
    </message>
    <message>
        <source>Sort by priority to reorder by dragging.</source>
        <translation>Zum Umsortieren per Ziehen nach Priorität sortieren.</translation>
    </message>
</context>
<context>
    <name>QueueView</name>
    <message>
        <source>Those rows cannot be moved.</source>
        <translation>Diese Zeilen lassen sich nicht verschieben.</translation>
    </message>
    <message>
        <source>Nothing to queue in that drop.</source>
        <translation>Darin ist nichts zum Einreihen.</translation>
    </message>
    <message>
        <source>{name} is not a list of links (.txt).</source>
        <translation>{name} ist keine Liste von Links (.txt).</translation>
    </message>
    <message>
        <source>Only http and https links can be added ({scheme} scheme).</source>
        <translation>Nur http- und https-Links können hinzugefügt werden (Schema {scheme}).</translation>
    </message>
    <message>
        <source>Only http and https links can be added (no scheme).</source>
        <translation>Nur http- und https-Links können hinzugefügt werden (kein Schema).</translation>
    </message>
    <message>
        <source>The dropped text holds no http or https link.</source>
        <translation>Der abgelegte Text enthält keinen http- oder https-Link.</translation>
    </message>
    <message>
        <source>That cannot be dropped on the queue.</source>
        <translation>Das kann nicht in der Warteschlange abgelegt werden.</translation>
    </message>
    <message>
        <source>The clipboard holds no links.</source>
        <translation>Die Zwischenablage enthält keine Links.</translation>
    </message>
    <message>
        <source>The clipboard&apos;s text holds no http or https link.</source>
        <translation>Der Text in der Zwischenablage enthält keinen http- oder https-Link.</translation>
    </message>
    <message>
        <source>{name} is larger than 1 MiB; it is not a list of links.</source>
        <translation>{name} ist größer als 1 MiB; das ist keine Liste von Links.</translation>
    </message>
</context>
<context>
    <name>SeriesCommands</name>
    <message>
        <source>Import library</source>
        <translation>Bibliothek importieren</translation>
    </message>
    <message>
        <source>Library folder changed</source>
        <translation>Bibliotheksordner geändert</translation>
    </message>
    <message>
        <source>The library is {folder} now, without a restart. Look through it for series folders to import?</source>
        <translation>Die Bibliothek ist jetzt {folder}, ohne Neustart. Nach Serienordnern zum Importieren durchsuchen?</translation>
    </message>
    <message>
        <source>Look for Series</source>
        <translation>Nach Serien suchen</translation>
    </message>
    <message>
        <source>Remove series</source>
        <translation>Serie entfernen</translation>
    </message>
    <message>
        <source>Stop following {title}?

Its queued downloads are cancelled. Its files stay in {folder}, and scans leave that folder alone from now on.</source>
        <translation>{title} nicht mehr verfolgen?

Ihre Downloads in der Warteschlange werden abgebrochen. Ihre Dateien bleiben in {folder}, und Scans lassen diesen Ordner künftig aus.</translation>
    </message>
    <message numerus="yes">
        <source>Stop following %n series?

Their queued downloads are cancelled. Their files stay in the library, and scans leave their folders alone from now on.</source>
        <translation>
            <numerusform>%n Serie nicht mehr verfolgen?

Ihre Downloads in der Warteschlange werden abgebrochen. Ihre Dateien bleiben in der Bibliothek, und Scans lassen ihren Ordner künftig aus.</numerusform>
            <numerusform>%n Serien nicht mehr verfolgen?

Ihre Downloads in der Warteschlange werden abgebrochen. Ihre Dateien bleiben in der Bibliothek, und Scans lassen ihre Ordner künftig aus.</numerusform>
        </translation>
    </message>
    <message>
        <source>Remove, Keep Files</source>
        <translation>Entfernen, Dateien behalten</translation>
    </message>
    <message>
        <source>Remove and Delete Files…</source>
        <translation>Entfernen und Dateien löschen…</translation>
    </message>
    <message>
        <source>Delete these folders and every file in them?

{folders}

They go to the trash where the system has one; otherwise they are deleted for good.</source>
        <translation>Diese Ordner mit allen Dateien darin löschen?

{folders}

Sie kommen in den Papierkorb, wo das System einen hat; sonst werden sie endgültig gelöscht.</translation>
    </message>
    <message>
        <source>Delete files</source>
        <translation>Dateien löschen</translation>
    </message>
    <message>
        <source>Delete Files</source>
        <translation>Dateien löschen</translation>
    </message>
    <message>
        <source>Change source</source>
        <translation>Quelle ändern</translation>
    </message>
    <message>
        <source>Change source of {title}</source>
        <translation>Quelle von {title} ändern</translation>
    </message>
    <message>
        <source>The address of its feed (what is on disk stays; the catalogues merge):</source>
        <translation>Die Adresse ihres Feeds (was auf der Platte liegt, bleibt; die Kataloge werden zusammengeführt):</translation>
    </message>
    <message>
        <source>The new address of its source:</source>
        <translation>Die neue Adresse ihrer Quelle:</translation>
    </message>
    <message>
        <source>Reading {url}…</source>
        <translation>Lese {url}…</translation>
    </message>
    <message numerus="yes">
        <source>{title} now follows {url} (%n episode(s)).</source>
        <translation>
            <numerusform>{title} folgt jetzt {url} (%n Folge).</numerusform>
            <numerusform>{title} folgt jetzt {url} (%n Folgen).</numerusform>
        </translation>
    </message>
    <message>
        <source>Quality</source>
        <translation>Qualität</translation>
    </message>
    <message>
        <source>Only series of the public broadcasters&apos; film list have a quality to choose: select one first.</source>
        <translation>Nur Serien aus der Filmliste der Öffentlich-Rechtlichen haben eine Qualität zur Wahl: Wählen Sie zuerst eine aus.</translation>
    </message>
    <message>
        <source>As in the settings ({quality})</source>
        <translation>Wie in den Einstellungen ({quality})</translation>
    </message>
    <message>
        <source>As in the settings</source>
        <translation>Wie in den Einstellungen</translation>
    </message>
    <message>
        <source>Quality of {title}</source>
        <translation>Qualität von {title}</translation>
    </message>
    <message numerus="yes">
        <source>Quality of %n series</source>
        <translation>
            <numerusform>Qualität von %n Serie</numerusform>
            <numerusform>Qualität von %n Serien</numerusform>
        </translation>
    </message>
    <message>
        <source>Download the episodes in:</source>
        <translation>Folgen herunterladen in:</translation>
    </message>
    <message numerus="yes">
        <source>Episodes downloaded in {quality} from now on (%n read again).</source>
        <translation>
            <numerusform>Folgen werden ab jetzt in {quality} heruntergeladen (%n neu gelesen).</numerusform>
            <numerusform>Folgen werden ab jetzt in {quality} heruntergeladen (%n neu gelesen).</numerusform>
        </translation>
    </message>
    <message>
        <source>Monitor</source>
        <translation>Überwachen</translation>
    </message>
    <message>
        <source>Only new episodes are wanted now</source>
        <translation>Jetzt sind nur neue Folgen gewünscht</translation>
    </message>
    <message>
        <source>The latest season and later ones are wanted now</source>
        <translation>Jetzt sind die neueste Staffel und spätere gewünscht</translation>
    </message>
    <message>
        <source>Every episode is wanted now</source>
        <translation>Jetzt ist jede Folge gewünscht</translation>
    </message>
    <message>
        <source>No episode is wanted now</source>
        <translation>Jetzt ist keine Folge gewünscht</translation>
    </message>
    <message numerus="yes">
        <source>{mode}; %n episode(s) changed.</source>
        <translation>
            <numerusform>{mode}; %n Folge geändert.</numerusform>
            <numerusform>{mode}; %n Folgen geändert.</numerusform>
        </translation>
    </message>
</context>
<context>
    <name>SeriesTableModel</name>
    <message>
        <source>Title</source>
        <translation>Titel</translation>
    </message>
    <message>
        <source>Year</source>
        <translation>Jahr</translation>
    </message>
    <message>
        <source>Provider</source>
        <translation>Anbieter</translation>
    </message>
    <message>
        <source>Episodes</source>
        <translation>Folgen</translation>
    </message>
    <message>
        <source>On disk</source>
        <translation>Vorhanden</translation>
    </message>
    <message>
        <source>Missing</source>
        <translation>Fehlt</translation>
    </message>
    <message>
        <source>Queued</source>
        <translation>Eingereiht</translation>
    </message>
    <message>
        <source>Monitored</source>
        <translation>Überwacht</translation>
    </message>
    <message>
        <source>Last refresh</source>
        <translation>Zuletzt aktualisiert</translation>
    </message>
    <message>
        <source>Metadata</source>
        <translation>Metadaten</translation>
    </message>
    <message>
        <source>Pending</source>
        <translation>Ausstehend</translation>
    </message>
    <message>
        <source>Done</source>
        <translation>Fertig</translation>
    </message>
    <message>
        <source>Failed</source>
        <translation>Fehlgeschlagen</translation>
    </message>
    <message>
        <source>Never</source>
        <translation>Nie</translation>
    </message>
</context>
<context>
    <name>ServiceLog</name>
    <message>
        <source>Downloading %s %s.</source>
        <translation>Lade %s %s herunter.</translation>
    </message>
    <message>
        <source>Finished %s %s (%s).</source>
        <translation>%s %s ist fertig (%s).</translation>
    </message>
    <message>
        <source>%s %s failed: %s</source>
        <translation>%s %s ist fehlgeschlagen: %s</translation>
    </message>
    <message>
        <source>%s %s: %s</source>
        <translation>%s %s: %s</translation>
    </message>
    <message>
        <source>Refreshing %s failed: %s</source>
        <translation>Aktualisieren von %s ist fehlgeschlagen: %s</translation>
    </message>
</context>
<context>
    <name>ServiceText</name>
    <message>
        <source>{host} says we are asking too often ({label}).</source>
        <translation>{host} meldet, dass wir zu oft anfragen ({label}).</translation>
    </message>
    <message>
        <source>{host} had a problem ({label}); it may work again later.</source>
        <translation>{host} hatte ein Problem ({label}); später klappt es vielleicht wieder.</translation>
    </message>
    <message>
        <source>The video is not on {host} ({label}); the link may be outdated.</source>
        <translation>Das Video ist nicht auf {host} ({label}); der Link ist vielleicht veraltet.</translation>
    </message>
    <message>
        <source>The video was removed from {host} ({label}).</source>
        <translation>Das Video wurde von {host} entfernt ({label}).</translation>
    </message>
    <message>
        <source>{host} refused access to the video ({label}); the link may have expired.</source>
        <translation>{host} verweigert den Zugriff auf das Video ({label}); der Link ist vielleicht abgelaufen.</translation>
    </message>
    <message>
        <source>{host} answered with a redirect that leads nowhere ({label}).</source>
        <translation>{host} antwortet mit einer Weiterleitung, die nirgendwohin führt ({label}).</translation>
    </message>
    <message>
        <source>{host} rejected the download ({label}).</source>
        <translation>{host} lehnt den Download ab ({label}).</translation>
    </message>
    <message>
        <source>It asked us to wait {seconds} seconds.</source>
        <translation>Er bittet, {seconds} Sekunden zu warten.</translation>
    </message>
    <message>
        <source>The server sent a web page instead of the video; the link probably points to a player page or an error page, not to the file.</source>
        <translation>Der Server schickte eine Webseite statt des Videos; der Link führt wohl zu einer Player- oder Fehlerseite, nicht zur Datei.</translation>
    </message>
    <message>
        <source>The server could not continue the partial download; the next try starts again from the beginning.</source>
        <translation>Der Server konnte den angefangenen Download nicht fortsetzen; der nächste Versuch beginnt wieder von vorn.</translation>
    </message>
    <message>
        <source>No data arrived from {host} for {seconds} seconds; the download stalled and will be retried.</source>
        <translation>Von {host} kamen {seconds} Sekunden lang keine Daten; der Download hängt und wird erneut versucht.</translation>
    </message>
    <message>
        <source>Could not connect to {host} within {seconds} seconds.</source>
        <translation>Keine Verbindung zu {host} innerhalb von {seconds} Sekunden.</translation>
    </message>
    <message>
        <source>The connection to {host} timed out; the next try continues where it stopped.</source>
        <translation>Die Verbindung zu {host} hat zu lange gedauert; der nächste Versuch macht dort weiter, wo er aufhörte.</translation>
    </message>
    <message>
        <source>The connection to {host} broke off in the middle of the video; the next try continues where it stopped.</source>
        <translation>Die Verbindung zu {host} brach mitten im Video ab; der nächste Versuch macht dort weiter, wo er aufhörte.</translation>
    </message>
    <message>
        <source>Could not connect to {host}: {why}.</source>
        <translation>Keine Verbindung zu {host}: {why}.</translation>
    </message>
    <message>
        <source>The server sent only {done} of {total} bytes; the next try continues where it stopped.</source>
        <translation>Der Server schickte nur {done} von {total} Bytes; der nächste Versuch macht dort weiter, wo er aufhörte.</translation>
    </message>
    <message>
        <source>The disk is full: no free space left in {folder}.</source>
        <translation>Der Datenträger ist voll: kein freier Platz mehr in {folder}.</translation>
    </message>
    <message>
        <source>Cannot write to the library folder {folder}: {why}.</source>
        <translation>In den Bibliotheksordner {folder} kann nicht geschrieben werden: {why}.</translation>
    </message>
    <message>
        <source>Retrying in {seconds} s (attempt {attempt} of {attempts}).</source>
        <translation>Neuer Versuch in {seconds} s (Versuch {attempt} von {attempts}).</translation>
    </message>
    <message>
        <source>An unexpected error stopped this download.</source>
        <translation>Ein unerwarteter Fehler hat diesen Download beendet.</translation>
    </message>
    <message>
        <source>The server answered {status} ({reason}) for the feed {url}.</source>
        <translation>Der Server antwortete {status} ({reason}) für den Feed {url}.</translation>
    </message>
    <message>
        <source>The server answered {status} for the feed {url}.</source>
        <translation>Der Server antwortete {status} für den Feed {url}.</translation>
    </message>
    <message>
        <source>The feed {url} could not be downloaded: {why}.</source>
        <translation>Der Feed {url} konnte nicht geladen werden: {why}.</translation>
    </message>
    <message>
        <source>The feed {url} redirects more than {count} times.</source>
        <translation>Der Feed {url} leitet mehr als {count}-mal weiter.</translation>
    </message>
    <message>
        <source>The library folder {folder} cannot be found (is the drive or network share connected?); nothing was queued.</source>
        <translation>Der Bibliotheksordner {folder} ist nicht zu finden (ist das Laufwerk oder die Netzwerkfreigabe verbunden?); nichts wurde eingereiht.</translation>
    </message>
    <message>
        <source>The library folder {folder} cannot be found (is the drive or network share connected?); nothing was changed.</source>
        <translation>Der Bibliotheksordner {folder} ist nicht zu finden (ist das Laufwerk oder die Netzwerkfreigabe verbunden?); nichts wurde geändert.</translation>
    </message>
    <message>
        <source>The library folder {folder} is read-only, so nothing was queued: downloads could not be saved there.</source>
        <translation>Der Bibliotheksordner {folder} ist schreibgeschützt, darum wurde nichts eingereiht: Downloads könnten dort nicht gespeichert werden.</translation>
    </message>
    <message>
        <source>The library folder {folder} does not exist.</source>
        <translation>Der Bibliotheksordner {folder} existiert nicht.</translation>
    </message>
    <message>
        <source>The folder {folder} disappeared during the scan.</source>
        <translation>Der Ordner {folder} ist während des Einlesens verschwunden.</translation>
    </message>
    <message>
        <source>The folder {folder} could not be read: permission denied.</source>
        <translation>Der Ordner {folder} konnte nicht gelesen werden: Zugriff verweigert.</translation>
    </message>
    <message>
        <source>The library folder {folder} could not be read: permission denied.</source>
        <translation>Der Bibliotheksordner {folder} konnte nicht gelesen werden: Zugriff verweigert.</translation>
    </message>
    <message>
        <source>TMDB knows no series {title}.</source>
        <translation>TMDB kennt keine Serie {title}.</translation>
    </message>
    <message>
        <source>TMDB knows no series {title}; used the source&apos;s data</source>
        <translation>TMDB kennt keine Serie {title}; die Daten der Quelle wurden verwendet</translation>
    </message>
    <message>
        <source>TMDB&apos;s best guess is {match}, as likely as {rival}, {confidence} sure: confirm it or choose another.</source>
        <translation>TMDBs beste Vermutung ist {match}, so wahrscheinlich wie {rival}, zu {confidence} sicher: bestätigen oder eine andere wählen.</translation>
    </message>
    <message>
        <source>TMDB&apos;s best guess is {match}, {confidence} sure: confirm it or choose another.</source>
        <translation>TMDBs beste Vermutung ist {match}, zu {confidence} sicher: bestätigen oder eine andere wählen.</translation>
    </message>
    <message>
        <source>Also claimed by folder {folders} (TMDB series {tmdb_id}): confirm which one it is.</source>
        <translation>Auch der Ordner {folders} beansprucht sie (TMDB-Serie {tmdb_id}): bestätigen, welcher es ist.</translation>
    </message>
    <message>
        <source>No TMDB token is set: add one in Settings to match it.</source>
        <translation>Kein TMDB-Token eingetragen: in den Einstellungen eines hinzufügen, um sie zuzuordnen.</translation>
    </message>
    <message>
        <source>{why}; will retry at the next run.</source>
        <translation>{why}; beim nächsten Lauf wird es erneut versucht.</translation>
    </message>
    <message>
        <source>TMDB refused the token (HTTP 401): check the TMDB read-access token or API key in the settings.</source>
        <translation>TMDB hat das Token abgelehnt (HTTP 401): TMDB-Lesezugriffstoken oder API-Schlüssel in den Einstellungen prüfen.</translation>
    </message>
    <message>
        <source>expected {what}, got {value} ({reason}).</source>
        <translation>erwartet wird {what}, nicht {value} ({reason}).</translation>
    </message>
    <message>
        <source>expected {what}, got {value}.</source>
        <translation>erwartet wird {what}, nicht {value}.</translation>
    </message>
    <message>
        <source>If this is your own server with a self-signed certificate, you can trust it under Settings &gt; Trusted servers.</source>
        <translation>Ist das Ihr eigener Server mit selbst signiertem Zertifikat, können Sie ihm unter Einstellungen &gt; Vertrauenswürdige Server vertrauen.</translation>
    </message>
    <message>
        <source>If you expect that (a renewed certificate), trust it again under Settings &gt; Trusted servers.</source>
        <translation>Erwarten Sie das (ein erneuertes Zertifikat), vertrauen Sie ihm erneut unter Einstellungen &gt; Vertrauenswürdige Server.</translation>
    </message>
    <message>
        <source>the connection was refused</source>
        <translation>die Verbindung wurde abgelehnt</translation>
    </message>
    <message>
        <source>the name {host} is not known</source>
        <translation>der Name {host} ist unbekannt</translation>
    </message>
    <message>
        <source>the connection could not be made in time</source>
        <translation>die Verbindung kam nicht rechtzeitig zustande</translation>
    </message>
    <message>
        <source>the server did not answer in time</source>
        <translation>der Server antwortete nicht rechtzeitig</translation>
    </message>
    <message>
        <source>too many redirects</source>
        <translation>zu viele Weiterleitungen</translation>
    </message>
    <message>
        <source>the connection broke off before the whole answer arrived</source>
        <translation>die Verbindung brach ab, bevor die ganze Antwort ankam</translation>
    </message>
    <message>
        <source>the server closed the connection without answering</source>
        <translation>der Server schloss die Verbindung ohne Antwort</translation>
    </message>
    <message>
        <source>the server&apos;s answer is not valid HTTP</source>
        <translation>die Antwort des Servers ist kein gültiges HTTP</translation>
    </message>
    <message>
        <source>the connection failed</source>
        <translation>die Verbindung ist fehlgeschlagen</translation>
    </message>
    <message>
        <source>the secure connection to {host} failed: its certificate is not valid</source>
        <translation>die sichere Verbindung zu {host} ist fehlgeschlagen: sein Zertifikat ist ungültig</translation>
    </message>
    <message>
        <source>the secure connection to {host} failed</source>
        <translation>die sichere Verbindung zu {host} ist fehlgeschlagen</translation>
    </message>
    <message>
        <source>the certificate of {host} is not the one you trusted: it has changed</source>
        <translation>das Zertifikat von {host} ist nicht das, dem Sie vertraut haben: es hat sich geändert</translation>
    </message>
    <message>
        <source>permission denied</source>
        <translation>Zugriff verweigert</translation>
    </message>
    <message>
        <source>it is on a read-only file system</source>
        <translation>er liegt auf einem schreibgeschützten Dateisystem</translation>
    </message>
    <message>
        <source>it does not exist (is the drive or network share connected?)</source>
        <translation>er existiert nicht (ist das Laufwerk oder die Netzwerkfreigabe verbunden?)</translation>
    </message>
    <message>
        <source>part of its path is not a folder</source>
        <translation>ein Teil seines Pfades ist kein Ordner</translation>
    </message>
    <message>
        <source>the drive reported an input/output error</source>
        <translation>das Laufwerk meldete einen Ein-/Ausgabefehler</translation>
    </message>
    <message>
        <source>TMDB could not be reached: {why}</source>
        <translation>TMDB war nicht erreichbar: {why}</translation>
    </message>
    <message>
        <source>no answer within {seconds} seconds</source>
        <translation>keine Antwort innerhalb von {seconds} Sekunden</translation>
    </message>
    <message>
        <source>TMDB is having trouble (HTTP {status}) with {what}</source>
        <translation>TMDB hat Probleme (HTTP {status}) mit {what}</translation>
    </message>
    <message>
        <source>TMDB kept answering &apos;too many requests&apos; for {what}</source>
        <translation>TMDB antwortete bei {what} immer wieder „zu viele Anfragen“</translation>
    </message>
    <message>
        <source>search results</source>
        <translation>den Suchergebnissen</translation>
    </message>
    <message>
        <source>the image configuration</source>
        <translation>der Bildkonfiguration</translation>
    </message>
    <message>
        <source>season {number} of series {series}</source>
        <translation>Staffel {number} der Serie {series}</translation>
    </message>
    <message>
        <source>series {tmdb_id}</source>
        <translation>Serie {tmdb_id}</translation>
    </message>
    <message>
        <source>the token check</source>
        <translation>der Token-Prüfung</translation>
    </message>
    <message>
        <source>a whole number from {low} to {high}</source>
        <translation>eine ganze Zahl von {low} bis {high}</translation>
    </message>
    <message>
        <source>a number of seconds from {low} to {high}</source>
        <translation>eine Anzahl Sekunden von {low} bis {high}</translation>
    </message>
    <message>
        <source>on or off (true/false, 1/0, yes/no)</source>
        <translation>an oder aus (true/false, 1/0, yes/no)</translation>
    </message>
    <message>
        <source>a size such as 500M or 2G (0 for none)</source>
        <translation>eine Größe wie 500M oder 2G (0 für keine)</translation>
    </message>
    <message>
        <source>a folder path</source>
        <translation>ein Ordnerpfad</translation>
    </message>
    <message>
        <source>a naming template such as {example}</source>
        <translation>eine Namensvorlage wie {example}</translation>
    </message>
    <message>
        <source>an http or https URL such as {example} (or nothing)</source>
        <translation>eine http- oder https-Adresse wie {example} (oder nichts)</translation>
    </message>
    <message>
        <source>an http or https URL</source>
        <translation>eine http- oder https-Adresse</translation>
    </message>
    <message>
        <source>an API key (letters and digits, no spaces)</source>
        <translation>ein API-Schlüssel (Buchstaben und Ziffern, keine Leerzeichen)</translation>
    </message>
    <message>
        <source>a user name without &apos;:&apos;</source>
        <translation>ein Benutzername ohne &apos;:&apos;</translation>
    </message>
    <message>
        <source>a password on one line</source>
        <translation>ein Passwort in einer Zeile</translation>
    </message>
    <message>
        <source>a comma list of {kinds} (or empty)</source>
        <translation>eine durch Kommas getrennte Liste aus {kinds} (oder leer)</translation>
    </message>
    <message>
        <source>lines of &apos;host:port fingerprint&apos; (the certificate&apos;s SHA-256, 64 hex digits)</source>
        <translation>Zeilen aus &apos;Host:Port Fingerabdruck&apos; (SHA-256 des Zertifikats, 64 Hexziffern)</translation>
    </message>
    <message>
        <source>a hidden value</source>
        <translation>ein verborgener Wert</translation>
    </message>
    <message>
        <source>put the user name and password in their own fields</source>
        <translation>tragen Sie Benutzername und Passwort in ihre eigenen Felder ein</translation>
    </message>
    <message>
        <source>the last run was too recent</source>
        <translation>der letzte Lauf ist noch zu kurz her</translation>
    </message>
    <message>
        <source>a run is still going on</source>
        <translation>ein Lauf ist noch im Gange</translation>
    </message>
</context>
<context>
    <name>SettingsDialog</name>
    <message>
        <source>original</source>
        <translation>Original</translation>
    </message>
    <message>
        <source>poster</source>
        <translation>Poster</translation>
    </message>
    <message>
        <source>fanart</source>
        <translation>Fanart</translation>
    </message>
    <message>
        <source>logo</source>
        <translation>Logo</translation>
    </message>
    <message>
        <source>season</source>
        <translation>Staffelbilder</translation>
    </message>
    <message>
        <source>thumb</source>
        <translation>Vorschaubilder</translation>
    </message>
    <message>
        <source>Settings</source>
        <translation>Einstellungen</translation>
    </message>
    <message>
        <source>Settings pages</source>
        <translation>Seiten der Einstellungen</translation>
    </message>
    <message>
        <source>Show</source>
        <translation>Anzeigen</translation>
    </message>
    <message>
        <source>Type the server&apos;s https:// address first.</source>
        <translation>Geben Sie zuerst die https://-Adresse des Servers ein.</translation>
    </message>
    <message>
        <source>Reading the certificate of {host}…</source>
        <translation>Das Zertifikat von {host} wird gelesen…</translation>
    </message>
    <message>
        <source>Cannot read the certificate: {reason}.</source>
        <translation>Das Zertifikat kann nicht gelesen werden: {reason}.</translation>
    </message>
    <message>
        <source>{host}:{port} presents the certificate {fingerprint}. Compare it with the one your server shows before you press OK.</source>
        <translation>{host}:{port} zeigt das Zertifikat {fingerprint}. Vergleichen Sie es mit dem, das Ihr Server anzeigt, bevor Sie OK drücken.</translation>
    </message>
    <message>
        <source>Show {field}</source>
        <translation>{field} zeigen</translation>
    </message>
    <message>
        <source>{field}: {problem}</source>
        <translation>{field}: {problem}</translation>
    </message>
    <message>
        <source>{field}: expected a number of minutes from 0 to {most}.</source>
        <translation>{field}: erwartet wird eine Anzahl Minuten von 0 bis {most}.</translation>
    </message>
    <message>
        <source>{field}: expected a number of minutes from {least} to {most}.</source>
        <translation>{field}: erwartet wird eine Zahl von Minuten von {least} bis {most}.</translation>
    </message>
    <message>
        <source>{field}: expected a number of minutes above 0, at most {most}.</source>
        <translation>{field}: erwartet wird eine Anzahl Minuten über 0, höchstens {most}.</translation>
    </message>
    <message>
        <source>{field}: expected a number of KB/s, 0 for no limit.</source>
        <translation>{field}: erwartet wird eine Anzahl KB/s, 0 für keine Grenze.</translation>
    </message>
    <message>
        <source>{field}: expected a number of MB, 0 for none.</source>
        <translation>{field}: erwartet wird eine Anzahl MB, 0 für keine.</translation>
    </message>
    <message>
        <source>A value on this page is refused.</source>
        <translation>Ein Wert auf dieser Seite wird abgelehnt.</translation>
    </message>
    <message>
        <source>No example: the template {problem}.</source>
        <translation>Kein Beispiel möglich ({problem}).</translation>
    </message>
    <message>
        <source>Example: {name}</source>
        <translation>Beispiel: {name}</translation>
    </message>
    <message>
        <source>Library folder</source>
        <translation>Bibliotheksordner</translation>
    </message>
    <message>
        <source>Asking {server} at {url}…</source>
        <translation>{server} unter {url} wird abgefragt…</translation>
    </message>
    <message>
        <source>The {server} test failed unexpectedly; see the activity log.</source>
        <translation>Der Test von {server} ist unerwartet fehlgeschlagen; siehe das Aktivitätsprotokoll.</translation>
    </message>
</context>
<context>
    <name>SettingsPages</name>
    <message>
        <source>Library</source>
        <translation>Bibliothek</translation>
    </message>
    <message>
        <source>Browse…</source>
        <translation>Durchsuchen…</translation>
    </message>
    <message>
        <source>Library &amp;folder:</source>
        <translation>Bibliotheks&amp;ordner:</translation>
    </message>
    <message>
        <source>&amp;Naming template:</source>
        <translation>&amp;Benennungsschema:</translation>
    </message>
    <message>
        <source>Downloads</source>
        <translation>Downloads</translation>
    </message>
    <message>
        <source>&amp;Downloads at once:</source>
        <translation>&amp;Gleichzeitige Downloads:</translation>
    </message>
    <message>
        <source>From one &amp;server:</source>
        <translation>Vom selben &amp;Server:</translation>
    </message>
    <message>
        <source>S&amp;tall timeout (seconds):</source>
        <translation>&amp;Zeitlimit bei Stillstand (Sekunden):</translation>
    </message>
    <message>
        <source>&amp;Retries:</source>
        <translation>&amp;Wiederholungen:</translation>
    </message>
    <message>
        <source>0 = no limit</source>
        <translation>0 = keine Grenze</translation>
    </message>
    <message>
        <source>Speed &amp;limit (KB/s):</source>
        <translation>Geschwindigkeits&amp;grenze (KB/s):</translation>
    </message>
    <message>
        <source>e.g. 512</source>
        <translation>z. B. 512</translation>
    </message>
    <message>
        <source>&amp;Minimum free disk (MB):</source>
        <translation>&amp;Mindestens frei auf dem Datenträger (MB):</translation>
    </message>
    <message>
        <source>Metadata</source>
        <translation>Metadaten</translation>
    </message>
    <message>
        <source>TMDB read-access token or API key</source>
        <translation>TMDB-Lesezugriffstoken oder API-Schlüssel</translation>
    </message>
    <message>
        <source>Show</source>
        <translation>Anzeigen</translation>
    </message>
    <message>
        <source>Show the TMDB token</source>
        <translation>Den TMDB-Token zeigen</translation>
    </message>
    <message>
        <source>TMDB &amp;token:</source>
        <translation>TMDB-&amp;Token:</translation>
    </message>
    <message>
        <source>&amp;API URL:</source>
        <translation>&amp;API-URL:</translation>
    </message>
    <message>
        <source>e.g. en-US, de-DE</source>
        <translation>z. B. de-DE, en-US</translation>
    </message>
    <message>
        <source>Lan&amp;guage:</source>
        <translation>Sprac&amp;he:</translation>
    </message>
    <message>
        <source>Artwork si&amp;ze:</source>
        <translation>Bil&amp;dgröße:</translation>
    </message>
    <message>
        <source>Artwork to write:</source>
        <translation>Zu schreibende Bilder:</translation>
    </message>
    <message>
        <source>Automation</source>
        <translation>Automatik</translation>
    </message>
    <message>
        <source>Queue missing episodes of monitored series</source>
        <translation>Fehlende Folgen überwachter Serien einreihen</translation>
    </message>
    <message>
        <source>&amp;Auto-download:</source>
        <translation>A&amp;uto-Download:</translation>
    </message>
    <message>
        <source>Check &amp;every (minutes):</source>
        <translation>Prüfen &amp;alle (Minuten):</translation>
    </message>
    <message>
        <source>60 = hourly</source>
        <translation>60 = stündlich</translation>
    </message>
    <message>
        <source>&amp;Cooldown (minutes):</source>
        <translation>&amp;Abkühlzeit (Minuten):</translation>
    </message>
    <message>
        <source>5 = five minutes</source>
        <translation>5 = fünf Minuten</translation>
    </message>
    <message>
        <source>Notifications</source>
        <translation>Benachrichtigungen</translation>
    </message>
    <message>
        <source>Episodes queued automatically</source>
        <translation>Automatisch eingereihte Folgen</translation>
    </message>
    <message>
        <source>Downloads finished</source>
        <translation>Downloads abgeschlossen</translation>
    </message>
    <message>
        <source>Downloads failed</source>
        <translation>Downloads fehlgeschlagen</translation>
    </message>
    <message>
        <source>Notify about:</source>
        <translation>Benachrichtigen über:</translation>
    </message>
    <message>
        <source>Keep downloading in the tray when the window closes</source>
        <translation>Beim Schließen des Fensters im Infobereich weiter herunterladen</translation>
    </message>
    <message>
        <source>No tray on this desktop: closing the window quits</source>
        <translation>Kein Infobereich auf diesem Desktop: Schließen des Fensters beendet das Programm</translation>
    </message>
    <message>
        <source>&amp;Tray:</source>
        <translation>Infob&amp;ereich:</translation>
    </message>
    <message>
        <source>Media servers</source>
        <translation>Medienserver</translation>
    </message>
    <message>
        <source>After a batch of downloads and their metadata, these servers are asked to rescan their library. Leave an address empty to skip a server.</source>
        <translation>Nach einer Reihe von Downloads und ihren Metadaten werden diese Server gebeten, ihre Bibliothek neu einzulesen. Lassen Sie eine Adresse leer, um einen Server auszulassen.</translation>
    </message>
    <message>
        <source>e.g. http://nas:8096</source>
        <translation>z. B. http://nas:8096</translation>
    </message>
    <message>
        <source>&amp;Jellyfin address:</source>
        <translation>&amp;Jellyfin-Adresse:</translation>
    </message>
    <message>
        <source>Jellyfin API &amp;key:</source>
        <translation>Jellyfin-API-S&amp;chlüssel:</translation>
    </message>
    <message>
        <source>Dashboard &gt; API Keys</source>
        <translation>Dashboard &gt; API-Schlüssel</translation>
    </message>
    <message>
        <source>Test Jellyfin</source>
        <translation>Jellyfin testen</translation>
    </message>
    <message>
        <source>e.g. http://kodi:8080</source>
        <translation>z. B. http://kodi:8080</translation>
    </message>
    <message>
        <source>K&amp;odi address:</source>
        <translation>&amp;Kodi-Adresse:</translation>
    </message>
    <message>
        <source>Kodi: Settings &gt; Services &gt; Control</source>
        <translation>Kodi: Einstellungen &gt; Dienste &gt; Steuerung</translation>
    </message>
    <message>
        <source>Kodi &amp;user:</source>
        <translation>Kodi-Benutzer&amp;name:</translation>
    </message>
    <message>
        <source>Kodi pass&amp;word:</source>
        <translation>Kodi-&amp;Passwort:</translation>
    </message>
    <message>
        <source>Test Kodi</source>
        <translation>Kodi testen</translation>
    </message>
    <message>
        <source>Trusted servers</source>
        <translation>Vertrauenswürdige Server</translation>
    </message>
    <message>
        <source>Servers of your own with a self-signed certificate (a NAS, a home server). Each is trusted by its certificate&apos;s fingerprint, for its address and port only; every other secure connection is checked as usual.</source>
        <translation>Eigene Server mit selbst signiertem Zertifikat (ein NAS, ein Heimserver). Jedem wird über den Fingerabdruck seines Zertifikats vertraut, nur für seine Adresse und seinen Port; jede andere sichere Verbindung wird wie üblich geprüft.</translation>
    </message>
    <message>
        <source>nas.local:8920 AB:CD:EF:… (one per line)</source>
        <translation>nas.local:8920 AB:CD:EF:… (einer pro Zeile)</translation>
    </message>
    <message>
        <source>Cert&amp;ificates:</source>
        <translation>Zerti&amp;fikate:</translation>
    </message>
    <message>
        <source>https://nas.local:8920</source>
        <translation>https://nas.local:8920</translation>
    </message>
    <message>
        <source>Read Certificate</source>
        <translation>Zertifikat lesen</translation>
    </message>
    <message>
        <source>Add a ser&amp;ver:</source>
        <translation>Ser&amp;ver hinzufügen:</translation>
    </message>
    <message>
        <source>Public broadcasters</source>
        <translation>Öffentlich-Rechtliche</translation>
    </message>
    <message>
        <source>Programmes followed from the public broadcasters&apos; film list (ARD, ZDF, arte and others). A series can choose its own quality (Series &gt; Quality); these are the defaults. The film list is asked for again when it is older than the refresh interval.</source>
        <translation>Sendungen aus der Filmliste der Öffentlich-Rechtlichen (ARD, ZDF, arte und andere). Eine Serie kann ihre eigene Qualität wählen (Serien &gt; Qualität); dies sind die Vorgaben. Die Filmliste wird neu abgerufen, wenn sie älter als das Aktualisierungsintervall ist.</translation>
    </message>
    <message>
        <source>&amp;Refresh every (minutes):</source>
        <translation>&amp;Aktualisieren alle (Minuten):</translation>
    </message>
    <message>
        <source>Default &amp;quality:</source>
        <translation>Standard&amp;qualität:</translation>
    </message>
    <message>
        <source>&amp;Preferred version:</source>
        <translation>&amp;Bevorzugte Fassung:</translation>
    </message>
    <message>
        <source>An episode is downloaded in the preferred version; when it has only others, in one ticked here. Versions not ticked are never downloaded.</source>
        <translation>Eine Folge wird in der bevorzugten Fassung heruntergeladen; gibt es nur andere, in einer hier angehakten. Nicht angehakte Fassungen werden nie heruntergeladen.</translation>
    </message>
    <message>
        <source>Otherwise:</source>
        <translation>Sonst:</translation>
    </message>
    <message>
        <source>180 = every three hours</source>
        <translation>180 = alle drei Stunden</translation>
    </message>
</context>
<context>
    <name>ShortcutsDialog</name>
    <message>
        <source>Keyboard Shortcuts</source>
        <translation>Tastenkürzel</translation>
    </message>
    <message>
        <source>Command</source>
        <translation>Befehl</translation>
    </message>
    <message>
        <source>Keys</source>
        <translation>Tasten</translation>
    </message>
    <message>
        <source>Keyboard shortcuts</source>
        <translation>Tastenkürzel</translation>
    </message>
</context>
<context>
    <name>Startup</name>
    <message>
        <source>Aniworld Desktop repaired something at start</source>
        <translation>Aniworld Desktop hat beim Start etwas repariert</translation>
    </message>
</context>
<context>
    <name>StatusBar</name>
    <message>
        <source>{what}: cancelled.</source>
        <translation>{what}: abgebrochen.</translation>
    </message>
    <message numerus="yes">
        <source>%n downloading</source>
        <translation>
            <numerusform>%n aktiv</numerusform>
            <numerusform>%n aktiv</numerusform>
        </translation>
    </message>
    <message numerus="yes">
        <source>%n queued</source>
        <translation>
            <numerusform>%n wartend</numerusform>
            <numerusform>%n wartend</numerusform>
        </translation>
    </message>
    <message numerus="yes">
        <source>%n paused</source>
        <translation>
            <numerusform>%n pausiert</numerusform>
            <numerusform>%n pausiert</numerusform>
        </translation>
    </message>
    <message numerus="yes">
        <source>%n failed</source>
        <translation>
            <numerusform>%n fehlgeschlagen</numerusform>
            <numerusform>%n fehlgeschlagen</numerusform>
        </translation>
    </message>
    <message>
        <source>Finished {title} {episode}.</source>
        <translation>{title} {episode} fertig.</translation>
    </message>
    <message>
        <source>{title} {episode} failed: {reason}</source>
        <translation>{title} {episode} fehlgeschlagen: {reason}</translation>
    </message>
    <message numerus="yes">
        <source>Auto-download queued %n episode(s).</source>
        <translation>
            <numerusform>Auto-Download hat %n Folge eingereiht.</numerusform>
            <numerusform>Auto-Download hat %n Folgen eingereiht.</numerusform>
        </translation>
    </message>
    <message>
        <source>Auto-download: nothing is missing.</source>
        <translation>Auto-Download: Es fehlt nichts.</translation>
    </message>
    <message>
        <source>Could not refresh {name}.</source>
        <translation>{name} konnte nicht aktualisiert werden.</translation>
    </message>
    <message>
        <source>Auto-download skipped: {why}; the next may run at {time}.</source>
        <translation>Auto-Download übersprungen: {why}; der nächste ist ab {time} möglich.</translation>
    </message>
    <message>
        <source>Auto-download failed: {reason}</source>
        <translation>Auto-Download fehlgeschlagen: {reason}</translation>
    </message>
    <message>
        <source>Next auto-download {time}</source>
        <translation>Nächster Auto-Download {time}</translation>
    </message>
    <message>
        <source>Auto-download off</source>
        <translation>Auto-Download aus</translation>
    </message>
    <message>
        <source>Turn it on in Settings (Automation)</source>
        <translation>In den Einstellungen einschalten (Automatik)</translation>
    </message>
    <message>
        <source>Free disk space</source>
        <translation>Freier Speicherplatz</translation>
    </message>
    <message>
        <source>{size} free</source>
        <translation>{size} frei</translation>
    </message>
    <message>
        <source>Free space on the library&apos;s disk. A download that would leave less than {size} stops with an error (Settings).</source>
        <translation>Freier Speicherplatz auf dem Laufwerk der Bibliothek. Ein Download, nach dem weniger als {size} frei blieben, bricht mit einem Fehler ab (Einstellungen).</translation>
    </message>
</context>
<context>
    <name>SubscriptionCommands</name>
    <message>
        <source>OPML files (*.opml *.xml)</source>
        <translation>OPML-Dateien (*.opml *.xml)</translation>
    </message>
    <message>
        <source>All files (*)</source>
        <translation>Alle Dateien (*)</translation>
    </message>
    <message>
        <source>Import subscriptions</source>
        <translation>Abonnements importieren</translation>
    </message>
    <message>
        <source>Import Subscriptions (OPML)</source>
        <translation>Abonnements importieren (OPML)</translation>
    </message>
    <message>
        <source>Importing subscriptions</source>
        <translation>Abonnements werden importiert</translation>
    </message>
    <message numerus="yes">
        <source>Following %n new series</source>
        <translation>
            <numerusform>%n neue Serie wird verfolgt</numerusform>
            <numerusform>%n neue Serien werden verfolgt</numerusform>
        </translation>
    </message>
    <message numerus="yes">
        <source>{summary}; %n followed already</source>
        <translation>
            <numerusform>{summary}; %n wurde schon verfolgt</numerusform>
            <numerusform>{summary}; %n wurden schon verfolgt</numerusform>
        </translation>
    </message>
    <message numerus="yes">
        <source>… and %n more.</source>
        <translation>
            <numerusform>… und %n weiterer.</numerusform>
            <numerusform>… und %n weitere.</numerusform>
        </translation>
    </message>
    <message numerus="yes">
        <source>%n feed(s) could not be followed:</source>
        <translation>
            <numerusform>%n Feed konnte nicht verfolgt werden:</numerusform>
            <numerusform>%n Feeds konnten nicht verfolgt werden:</numerusform>
        </translation>
    </message>
    <message>
        <source>Export subscriptions</source>
        <translation>Abonnements exportieren</translation>
    </message>
    <message>
        <source>Export Subscriptions (OPML)</source>
        <translation>Abonnements exportieren (OPML)</translation>
    </message>
    <message>
        <source>{name} exists already. Replace it?</source>
        <translation>{name} gibt es schon. Ersetzen?</translation>
    </message>
    <message>
        <source>Replace</source>
        <translation>Ersetzen</translation>
    </message>
    <message numerus="yes">
        <source>Saved %n feed(s) to {path}.</source>
        <translation>
            <numerusform>%n Feed in {path} gespeichert.</numerusform>
            <numerusform>%n Feeds in {path} gespeichert.</numerusform>
        </translation>
    </message>
</context>
<context>
    <name>TaskProgress</name>
    <message>
        <source>about {seconds} s left</source>
        <translation>noch etwa {seconds} s</translation>
    </message>
    <message>
        <source>about {minutes} min left</source>
        <translation>noch etwa {minutes} min</translation>
    </message>
    <message>
        <source>about {hours} h left</source>
        <translation>noch etwa {hours} h</translation>
    </message>
    <message>
        <source>Cancel</source>
        <translation>Abbrechen</translation>
    </message>
    <message>
        <source>Stop this action (what is done stays done)</source>
        <translation>Diesen Vorgang anhalten (Erledigtes bleibt erledigt)</translation>
    </message>
    <message>
        <source>{what} {done} of {total}</source>
        <translation>{what} {done} von {total}</translation>
    </message>
    <message numerus="yes">
        <source>(+%n more)</source>
        <translation>
            <numerusform>(+%n weiterer)</numerusform>
            <numerusform>(+%n weitere)</numerusform>
        </translation>
    </message>
</context>
<context>
    <name>TaskRunner</name>
    <message>
        <source>Something went wrong. The log file has the details.</source>
        <translation>Etwas ist schiefgelaufen. Die Einzelheiten stehen in der Protokolldatei.</translation>
    </message>
</context>
<context>
    <name>TmdbMatchDialog</name>
    <message>
        <source>TMDB match for {title}</source>
        <translation>TMDB-Zuordnung für {title}</translation>
    </message>
    <message>
        <source>TMDB match</source>
        <translation>TMDB-Zuordnung</translation>
    </message>
    <message>
        <source>No TMDB match is set yet; the metadata job guesses one from the title.</source>
        <translation>Noch keine TMDB-Zuordnung festgelegt; die Metadatenerstellung ermittelt eine anhand des Titels.</translation>
    </message>
    <message>
        <source>Current match: TMDB id {link}.</source>
        <translation>Aktuelle Zuordnung: TMDB-ID {link}.</translation>
    </message>
    <message>
        <source>Series title</source>
        <translation>Serientitel</translation>
    </message>
    <message>
        <source>Any year</source>
        <translation>Jedes Jahr</translation>
    </message>
    <message>
        <source>The year the series first aired; 0 searches every year.</source>
        <translation>Das Jahr der Erstausstrahlung; 0 sucht in allen Jahren.</translation>
    </message>
    <message>
        <source>&amp;Search</source>
        <translation>&amp;Suchen</translation>
    </message>
    <message>
        <source>Type a title and press Enter to search TMDB.</source>
        <translation>Geben Sie einen Titel ein und drücken Sie die Eingabetaste, um bei TMDB zu suchen.</translation>
    </message>
    <message>
        <source>Title</source>
        <translation>Titel</translation>
    </message>
    <message>
        <source>First aired</source>
        <translation>Erstausstrahlung</translation>
    </message>
    <message>
        <source>Original title</source>
        <translation>Originaltitel</translation>
    </message>
    <message>
        <source>TMDB series found</source>
        <translation>Gefundene TMDB-Serien</translation>
    </message>
    <message>
        <source>such as 1429, or a themoviedb.org/tv/… link</source>
        <translation>z. B. 1429 oder ein themoviedb.org/tv/…-Link</translation>
    </message>
    <message>
        <source>&amp;Use this match</source>
        <translation>Diese &amp;Zuordnung verwenden</translation>
    </message>
    <message>
        <source>&amp;Year:</source>
        <translation>&amp;Jahr:</translation>
    </message>
    <message>
        <source>TMDB &amp;id:</source>
        <translation>TMDB-&amp;ID:</translation>
    </message>
    <message>
        <source>Search TMDB for a &amp;title:</source>
        <translation>Bei TMDB nach einem &amp;Titel suchen:</translation>
    </message>
    <message>
        <source>Type a title to search TMDB for.</source>
        <translation>Geben Sie einen Titel ein, nach dem bei TMDB gesucht werden soll.</translation>
    </message>
    <message>
        <source>Searching TMDB for “{query}” from {year}…</source>
        <translation>TMDB wird nach „{query}“ aus {year} durchsucht…</translation>
    </message>
    <message>
        <source>Searching TMDB for “{query}”…</source>
        <translation>TMDB wird nach „{query}“ durchsucht…</translation>
    </message>
    <message>
        <source>The TMDB search failed.</source>
        <translation>Die TMDB-Suche ist fehlgeschlagen.</translation>
    </message>
    <message>
        <source>The TMDB search failed unexpectedly; the log has the details.</source>
        <translation>Die TMDB-Suche ist unerwartet fehlgeschlagen; die Einzelheiten stehen im Protokoll.</translation>
    </message>
    <message numerus="yes">
        <source>%n series found; choose one, or type its TMDB id below.</source>
        <translation>
            <numerusform>Eine Serie gefunden; wählen Sie sie aus oder geben Sie unten ihre TMDB-ID ein.</numerusform>
            <numerusform>%n Serien gefunden; wählen Sie eine aus oder geben Sie unten ihre TMDB-ID ein.</numerusform>
        </translation>
    </message>
    <message>
        <source>TMDB knows no series “{query}” first aired in {year}; try any year.</source>
        <translation>TMDB kennt keine Serie „{query}“ mit Erstausstrahlung {year}; versuchen Sie es mit jedem Jahr.</translation>
    </message>
    <message>
        <source>TMDB knows no series “{query}”; try another title.</source>
        <translation>TMDB kennt keine Serie „{query}“; versuchen Sie einen anderen Titel.</translation>
    </message>
    <message>
        <source>TMDB has no overview of this series.</source>
        <translation>TMDB hat keine Beschreibung dieser Serie.</translation>
    </message>
    <message>
        <source>The current match. {overview}</source>
        <translation>Die aktuelle Zuordnung. {overview}</translation>
    </message>
    <message>
        <source>TMDB id {id}, from the link.</source>
        <translation>TMDB-ID {id}, aus dem Link.</translation>
    </message>
    <message>
        <source>Choose a result, or type the TMDB id of the series.</source>
        <translation>Wählen Sie ein Ergebnis oder geben Sie die TMDB-ID der Serie ein.</translation>
    </message>
    <message>
        <source>This link is not a TMDB series page (themoviedb.org/tv/…).</source>
        <translation>Dieser Link führt nicht zu einer TMDB-Serienseite (themoviedb.org/tv/…).</translation>
    </message>
    <message>
        <source>A TMDB id is a whole number, such as 1429.</source>
        <translation>Eine TMDB-ID ist eine ganze Zahl, z. B. 1429.</translation>
    </message>
    <message>
        <source>A TMDB id is a number from 1 to {largest}.</source>
        <translation>Eine TMDB-ID ist eine Zahl von 1 bis {largest}.</translation>
    </message>
</context>
<context>
    <name>TrayIcon</name>
    <message>
        <source>Show window</source>
        <translation>Fenster anzeigen</translation>
    </message>
    <message>
        <source>Pause all</source>
        <translation>Alle pausieren</translation>
    </message>
    <message>
        <source>Resume all</source>
        <translation>Alle fortsetzen</translation>
    </message>
    <message>
        <source>Run auto-download now</source>
        <translation>Auto-Download jetzt ausführen</translation>
    </message>
    <message>
        <source>Open library folder</source>
        <translation>Bibliotheksordner öffnen</translation>
    </message>
    <message>
        <source>Quit</source>
        <translation>Beenden</translation>
    </message>
    <message>
        <source>Opening the library…</source>
        <translation>Die Bibliothek wird geöffnet…</translation>
    </message>
    <message>
        <source>Hide window</source>
        <translation>Fenster ausblenden</translation>
    </message>
    <message numerus="yes">
        <source>%n downloading</source>
        <translation>
            <numerusform>%n aktiv</numerusform>
            <numerusform>%n aktiv</numerusform>
        </translation>
    </message>
    <message numerus="yes">
        <source>%n queued</source>
        <translation>
            <numerusform>%n wartend</numerusform>
            <numerusform>%n wartend</numerusform>
        </translation>
    </message>
    <message numerus="yes">
        <source>%n failed</source>
        <translation>
            <numerusform>%n fehlgeschlagen</numerusform>
            <numerusform>%n fehlgeschlagen</numerusform>
        </translation>
    </message>
    <message>
        <source>Idle</source>
        <translation>Bereit</translation>
    </message>
</context>
<context>
    <name>WelcomePanel</name>
    <message>
        <source>Welcome to {app}</source>
        <translation>Willkommen bei {app}</translation>
    </message>
    <message>
        <source>Follow a series from its feed, and the missing episodes download by themselves, named and described for Kodi and Jellyfin.&lt;br&gt;&lt;br&gt;No feed at hand? The demo catalogue is served by the app itself: no network and no account needed.</source>
        <translation>Abonnieren Sie eine Serie über ihren Feed, und die fehlenden Folgen werden von selbst heruntergeladen, benannt und beschrieben für Kodi und Jellyfin.&lt;br&gt;&lt;br&gt;Kein Feed zur Hand? Den Demo-Katalog liefert das Programm selbst: kein Netzwerk und kein Konto nötig.</translation>
    </message>
    <message>
        <source>Add a &amp;feed…</source>
        <translation>&amp;Feed hinzufügen…</translation>
    </message>
    <message>
        <source>Try the &amp;demo catalogue</source>
        <translation>&amp;Demo-Katalog ausprobieren</translation>
    </message>
</context>
<context>
    <name>WindowActions</name>
    <message>
        <source>Pause the selected downloads</source>
        <translation>Die ausgewählten Downloads pausieren</translation>
    </message>
    <message>
        <source>&amp;Resume</source>
        <translation>&amp;Fortsetzen</translation>
    </message>
    <message>
        <source>Resume the selected downloads</source>
        <translation>Die ausgewählten Downloads fortsetzen</translation>
    </message>
    <message>
        <source>&amp;Cancel</source>
        <translation>A&amp;bbrechen</translation>
    </message>
    <message>
        <source>Cancel the selected downloads and delete their partial files</source>
        <translation>Die ausgewählten Downloads abbrechen und ihre Teildateien löschen</translation>
    </message>
    <message>
        <source>Re&amp;try</source>
        <translation>&amp;Erneut versuchen</translation>
    </message>
    <message>
        <source>Queue the selected failed or cancelled downloads again</source>
        <translation>Die ausgewählten fehlgeschlagenen oder abgebrochenen Downloads erneut einreihen</translation>
    </message>
    <message>
        <source>Re&amp;move…</source>
        <translation>Entfe&amp;rnen…</translation>
    </message>
    <message>
        <source>Remove the selected downloads from the list</source>
        <translation>Die ausgewählten Downloads aus der Liste entfernen</translation>
    </message>
    <message>
        <source>Pause A&amp;ll</source>
        <translation>A&amp;lle pausieren</translation>
    </message>
    <message>
        <source>Pause every queued and running download</source>
        <translation>Alle wartenden und laufenden Downloads pausieren</translation>
    </message>
    <message>
        <source>Resume every paused download</source>
        <translation>Alle pausierten Downloads fortsetzen</translation>
    </message>
    <message>
        <source>Retry &amp;Failed</source>
        <translation>Fehlgeschlagene &amp;wiederholen</translation>
    </message>
    <message>
        <source>Queue every failed download again</source>
        <translation>Alle fehlgeschlagenen Downloads erneut einreihen</translation>
    </message>
    <message>
        <source>Move &amp;Up</source>
        <translation>Nach &amp;oben</translation>
    </message>
    <message>
        <source>Download the selection earlier</source>
        <translation>Die Auswahl früher herunterladen</translation>
    </message>
    <message>
        <source>Move &amp;Down</source>
        <translation>Nach &amp;unten</translation>
    </message>
    <message>
        <source>Download the selection later</source>
        <translation>Die Auswahl später herunterladen</translation>
    </message>
    <message>
        <source>Download the selection first</source>
        <translation>Die Auswahl zuerst herunterladen</translation>
    </message>
    <message>
        <source>Show the whole queue in the order it downloads (drag to reorder)</source>
        <translation>Die ganze Warteschlange in der Download-Reihenfolge zeigen (zum Umsortieren ziehen)</translation>
    </message>
    <message>
        <source>Move to &amp;Bottom</source>
        <translation>Ans E&amp;nde</translation>
    </message>
    <message>
        <source>Download the selection last</source>
        <translation>Die Auswahl zuletzt herunterladen</translation>
    </message>
    <message>
        <source>Add &amp;Series…</source>
        <translation>&amp;Serie hinzufügen…</translation>
    </message>
    <message>
        <source>Follow a series from its feed, after a preview</source>
        <translation>Eine Serie über ihren Feed abonnieren, nach einer Vorschau</translation>
    </message>
    <message>
        <source>Search Public &amp;Broadcasters…</source>
        <translation>Öffentlich-&amp;rechtliche Mediatheken durchsuchen…</translation>
    </message>
    <message>
        <source>Search the film list of ARD, ZDF, ARTE and the others, and follow a programme</source>
        <translation>Die Filmliste von ARD, ZDF, ARTE und den anderen durchsuchen und einer Sendung folgen</translation>
    </message>
    <message>
        <source>&amp;Refresh</source>
        <translation>&amp;Aktualisieren</translation>
    </message>
    <message>
        <source>Read the selected series&apos; sources again (all when none is selected)</source>
        <translation>Die Quellen der ausgewählten Serien neu lesen (alle, wenn keine ausgewählt ist)</translation>
    </message>
    <message>
        <source>&amp;Download Missing</source>
        <translation>&amp;Fehlende herunterladen</translation>
    </message>
    <message>
        <source>Queue the missing episodes of the selected series (of every monitored series when none is selected)</source>
        <translation>Die fehlenden Folgen der gewählten Serien einreihen (aller überwachten Serien, wenn keine gewählt ist)</translation>
    </message>
    <message>
        <source>&amp;Monitor</source>
        <translation>Über&amp;wachen</translation>
    </message>
    <message>
        <source>Download new episodes of the selected series automatically</source>
        <translation>Neue Folgen der ausgewählten Serien automatisch herunterladen</translation>
    </message>
    <message>
        <source>Monitor &amp;Episodes</source>
        <translation>Fol&amp;gen überwachen</translation>
    </message>
    <message>
        <source>Choose which episodes of the selected series are wanted</source>
        <translation>Wählen, welche Folgen der gewählten Serien gewünscht sind</translation>
    </message>
    <message>
        <source>&amp;New Episodes Only</source>
        <translation>Nur &amp;neue Folgen</translation>
    </message>
    <message>
        <source>Want only the episodes that appear from now on</source>
        <translation>Nur die Folgen, die ab jetzt erscheinen</translation>
    </message>
    <message>
        <source>From the &amp;Latest Season On</source>
        <translation>Ab der neuesten &amp;Staffel</translation>
    </message>
    <message>
        <source>Want the latest season and every later one</source>
        <translation>Die neueste Staffel und jede spätere</translation>
    </message>
    <message>
        <source>&amp;Everything</source>
        <translation>&amp;Alles</translation>
    </message>
    <message>
        <source>Want every episode, the back catalogue too</source>
        <translation>Jede Folge, auch die älteren</translation>
    </message>
    <message>
        <source>N&amp;othing</source>
        <translation>&amp;Nichts</translation>
    </message>
    <message>
        <source>Want no episode of the selected series</source>
        <translation>Keine Folge der gewählten Serien</translation>
    </message>
    <message>
        <source>C&amp;hange Source…</source>
        <translation>&amp;Quelle ändern…</translation>
    </message>
    <message>
        <source>Attach a feed to the selected series, or give its feed&apos;s new address</source>
        <translation>Der gewählten Serie einen Feed geben, oder die neue Adresse ihres Feeds</translation>
    </message>
    <message>
        <source>&amp;Quality…</source>
        <translation>Q&amp;ualität…</translation>
    </message>
    <message>
        <source>Choose the quality of the selected public broadcasters&apos; series</source>
        <translation>Die Qualität der ausgewählten Serien der Öffentlich-Rechtlichen wählen</translation>
    </message>
    <message>
        <source>Remo&amp;ve Series…</source>
        <translation>Serie entfe&amp;rnen…</translation>
    </message>
    <message>
        <source>Stop following the selected series (its files are kept unless you choose otherwise)</source>
        <translation>Die gewählten Serien nicht mehr verfolgen (ihre Dateien bleiben, außer Sie wählen anders)</translation>
    </message>
    <message>
        <source>&amp;Import Library…</source>
        <translation>Bibliothek &amp;importieren…</translation>
    </message>
    <message>
        <source>Follow the series folders of the library, matched on TMDB</source>
        <translation>Die Serienordner der Bibliothek verfolgen, bei TMDB zugeordnet</translation>
    </message>
    <message>
        <source>&amp;Open Folder</source>
        <translation>&amp;Ordner öffnen</translation>
    </message>
    <message>
        <source>Open the selected series&apos; folder</source>
        <translation>Den Ordner der ausgewählten Serie öffnen</translation>
    </message>
    <message>
        <source>&amp;Play</source>
        <translation>Absp&amp;ielen</translation>
    </message>
    <message>
        <source>Play the selected episode or finished download</source>
        <translation>Die ausgewählte Folge oder den fertigen Download abspielen</translation>
    </message>
    <message>
        <source>Choose which TMDB series the metadata comes from</source>
        <translation>Festlegen, von welcher TMDB-Serie die Metadaten stammen</translation>
    </message>
    <message>
        <source>Re&amp;scan Library</source>
        <translation>Bibliothek neu &amp;einlesen</translation>
    </message>
    <message>
        <source>Look for episode files in the library folder again</source>
        <translation>Den Bibliotheksordner erneut nach Folgen durchsuchen</translation>
    </message>
    <message>
        <source>&amp;Add Links…</source>
        <translation>&amp;Links hinzufügen…</translation>
    </message>
    <message>
        <source>Add links to video files or feeds, several at once</source>
        <translation>Links zu Videodateien oder Feeds hinzufügen, mehrere auf einmal</translation>
    </message>
    <message>
        <source>Paste Li&amp;nks</source>
        <translation>Lin&amp;ks einfügen</translation>
    </message>
    <message>
        <source>Add the links on the clipboard: videos are queued, feeds offered to follow</source>
        <translation>Die Links aus der Zwischenablage hinzufügen: Videos werden eingereiht, Feeds zum Verfolgen angeboten</translation>
    </message>
    <message>
        <source>&amp;Import Subscriptions (OPML)…</source>
        <translation>Abonnements &amp;importieren (OPML)…</translation>
    </message>
    <message>
        <source>Follow the feeds of an OPML file another podcast program exported</source>
        <translation>Die Feeds einer OPML-Datei verfolgen, die ein anderes Podcast-Programm exportiert hat</translation>
    </message>
    <message>
        <source>&amp;Export Subscriptions (OPML)…</source>
        <translation>Abonnements e&amp;xportieren (OPML)…</translation>
    </message>
    <message>
        <source>Save the followed feeds as an OPML file for another podcast program</source>
        <translation>Die verfolgten Feeds als OPML-Datei für ein anderes Podcast-Programm speichern</translation>
    </message>
    <message>
        <source>P&amp;ause</source>
        <translation>&amp;Pausieren</translation>
    </message>
    <message>
        <source>R&amp;esume All</source>
        <translation>Alle fort&amp;setzen</translation>
    </message>
    <message>
        <source>Move to T&amp;op</source>
        <translation>An den &amp;Anfang</translation>
    </message>
    <message>
        <source>Pr&amp;iority Order</source>
        <translation>Nach Priori&amp;tät</translation>
    </message>
    <message>
        <source>Set &amp;TMDB Match…</source>
        <translation>TMDB-&amp;Zuordnung festlegen…</translation>
    </message>
    <message>
        <source>Refresh the monitored series and queue what is missing, now</source>
        <translation>Die überwachten Serien jetzt aktualisieren und Fehlendes einreihen</translation>
    </message>
    <message>
        <source>Run &amp;Auto-download Now</source>
        <translation>Auto-&amp;Download jetzt ausführen</translation>
    </message>
    <message>
        <source>&amp;Activity</source>
        <translation>&amp;Aktivität</translation>
    </message>
    <message>
        <source>Show or hide the activity log</source>
        <translation>Das Aktivitätsprotokoll ein- oder ausblenden</translation>
    </message>
    <message>
        <source>&amp;Find Series</source>
        <translation>Serie &amp;suchen</translation>
    </message>
    <message>
        <source>Filter the series by title</source>
        <translation>Die Serien nach Titel filtern</translation>
    </message>
    <message>
        <source>Se&amp;ttings…</source>
        <translation>&amp;Einstellungen…</translation>
    </message>
    <message>
        <source>Library, downloads and metadata settings</source>
        <translation>Einstellungen für Bibliothek, Downloads und Metadaten</translation>
    </message>
    <message>
        <source>&amp;Quit</source>
        <translation>&amp;Beenden</translation>
    </message>
    <message>
        <source>Stop the downloads and quit</source>
        <translation>Die Downloads anhalten und das Programm beenden</translation>
    </message>
    <message>
        <source>Remove the completed downloads from the list (their files stay)</source>
        <translation>Die abgeschlossenen Downloads aus der Liste entfernen (ihre Dateien bleiben)</translation>
    </message>
    <message>
        <source>Clear Finis&amp;hed…</source>
        <translation>Ferti&amp;ge entfernen…</translation>
    </message>
    <message>
        <source>&amp;User Guide</source>
        <translation>&amp;Benutzerhandbuch</translation>
    </message>
    <message>
        <source>Open the user guide</source>
        <translation>Das Benutzerhandbuch öffnen</translation>
    </message>
    <message>
        <source>&amp;Keyboard Shortcuts</source>
        <translation>&amp;Tastenkürzel</translation>
    </message>
    <message>
        <source>List the keys of every command</source>
        <translation>Die Tasten aller Befehle auflisten</translation>
    </message>
    <message>
        <source>&amp;About Aniworld Desktop</source>
        <translation>&amp;Über Aniworld Desktop</translation>
    </message>
    <message>
        <source>Version, licence and where the profile lives</source>
        <translation>Version, Lizenz und wo das Profil liegt</translation>
    </message>
    <message>
        <source>&amp;File</source>
        <translation>&amp;Datei</translation>
    </message>
    <message>
        <source>&amp;Series</source>
        <translation>&amp;Serien</translation>
    </message>
    <message>
        <source>&amp;Library</source>
        <translation>&amp;Bibliothek</translation>
    </message>
    <message>
        <source>&amp;Queue</source>
        <translation>&amp;Warteschlange</translation>
    </message>
    <message>
        <source>&amp;View</source>
        <translation>&amp;Ansicht</translation>
    </message>
    <message>
        <source>&amp;Help</source>
        <translation>&amp;Hilfe</translation>
    </message>
    <message>
        <source>Main toolbar</source>
        <translation>Werkzeugleiste</translation>
    </message>
</context>
<context>
    <name>WindowCommands</name>
    <message>
        <source>Pause</source>
        <translation>Pausieren</translation>
    </message>
    <message>
        <source>Resume</source>
        <translation>Fortsetzen</translation>
    </message>
    <message>
        <source>Cancel</source>
        <translation>Abbrechen</translation>
    </message>
    <message>
        <source>Retry</source>
        <translation>Erneut versuchen</translation>
    </message>
    <message>
        <source>Pause all</source>
        <translation>Alle pausieren</translation>
    </message>
    <message>
        <source>Resume all</source>
        <translation>Alle fortsetzen</translation>
    </message>
    <message>
        <source>Retry failed</source>
        <translation>Fehlgeschlagene wiederholen</translation>
    </message>
    <message>
        <source>Move</source>
        <translation>Verschieben</translation>
    </message>
    <message>
        <source>Remove</source>
        <translation>Entfernen</translation>
    </message>
    <message numerus="yes">
        <source>Remove %n download(s) from the list?

Unfinished downloads are cancelled and their partial files deleted. Finished files stay in the library.</source>
        <translation>
            <numerusform>Diesen Download aus der Liste entfernen?

Unfertige Downloads werden abgebrochen und ihre Teildateien gelöscht. Fertige Dateien bleiben in der Bibliothek.</numerusform>
            <numerusform>Diese %n Downloads aus der Liste entfernen?

Unfertige Downloads werden abgebrochen und ihre Teildateien gelöscht. Fertige Dateien bleiben in der Bibliothek.</numerusform>
        </translation>
    </message>
    <message>
        <source>Remove downloads</source>
        <translation>Downloads entfernen</translation>
    </message>
    <message numerus="yes">
        <source>Removed %n download(s).</source>
        <translation>
            <numerusform>%n Download entfernt.</numerusform>
            <numerusform>%n Downloads entfernt.</numerusform>
        </translation>
    </message>
    <message>
        <source>Clear finished</source>
        <translation>Fertige entfernen</translation>
    </message>
    <message>
        <source>No finished downloads to clear.</source>
        <translation>Keine fertigen Downloads zu entfernen.</translation>
    </message>
    <message numerus="yes">
        <source>Remove %n finished download(s) from the list?

Their files stay in the library; only the rows go.</source>
        <translation>
            <numerusform>%n fertigen Download aus der Liste entfernen?

Seine Datei bleibt in der Bibliothek; nur die Zeile geht.</numerusform>
            <numerusform>%n fertige Downloads aus der Liste entfernen?

Ihre Dateien bleiben in der Bibliothek; nur die Zeilen gehen.</numerusform>
        </translation>
    </message>
    <message>
        <source>Clear finished downloads</source>
        <translation>Fertige Downloads entfernen</translation>
    </message>
    <message>
        <source>Clear</source>
        <translation>Entfernen</translation>
    </message>
    <message numerus="yes">
        <source>Cleared %n finished download(s).</source>
        <translation>
            <numerusform>%n fertiger Download entfernt.</numerusform>
            <numerusform>%n fertige Downloads entfernt.</numerusform>
        </translation>
    </message>
    <message>
        <source>Adding {url}…</source>
        <translation>{url} wird hinzugefügt…</translation>
    </message>
    <message numerus="yes">
        <source>Following {title} (%n episode(s)).</source>
        <translation>
            <numerusform>{title} abonniert (%n Folge).</numerusform>
            <numerusform>{title} abonniert (%n Folgen).</numerusform>
        </translation>
    </message>
    <message numerus="yes">
        <source>Queued %n episode(s) of {title}.</source>
        <translation>
            <numerusform>%n Folge von {title} eingereiht.</numerusform>
            <numerusform>%n Folgen von {title} eingereiht.</numerusform>
        </translation>
    </message>
    <message>
        <source>{title}: already in the queue.</source>
        <translation>{title}: bereits in der Warteschlange.</translation>
    </message>
    <message>
        <source>Add series</source>
        <translation>Serie hinzufügen</translation>
    </message>
    <message>
        <source>Try the demo</source>
        <translation>Demo ausprobieren</translation>
    </message>
    <message numerus="yes">
        <source>Following the demo series; %n episode(s) queued.</source>
        <translation>
            <numerusform>Demo-Serien abonniert; %n Folge eingereiht.</numerusform>
            <numerusform>Demo-Serien abonniert; %n Folgen eingereiht.</numerusform>
        </translation>
    </message>
    <message>
        <source>Queue episodes</source>
        <translation>Folgen einreihen</translation>
    </message>
    <message>
        <source>Queue series</source>
        <translation>Serien einreihen</translation>
    </message>
    <message>
        <source>Add links</source>
        <translation>Links hinzufügen</translation>
    </message>
    <message>
        <source>Show earlier downloads</source>
        <translation>Frühere Downloads anzeigen</translation>
    </message>
    <message>
        <source>Loading earlier downloads</source>
        <translation>Frühere Downloads werden geladen</translation>
    </message>
    <message>
        <source>Search the public broadcasters</source>
        <translation>Öffentlich-rechtliche Mediatheken durchsuchen</translation>
    </message>
    <message numerus="yes">
        <source>Queued %n episode(s)</source>
        <translation>
            <numerusform>%n Folge eingereiht</numerusform>
            <numerusform>%n Folgen eingereiht</numerusform>
        </translation>
    </message>
    <message numerus="yes">
        <source>{queued}; %n already in the queue</source>
        <translation>
            <numerusform>{queued}; %n bereits in der Warteschlange</numerusform>
            <numerusform>{queued}; %n bereits in der Warteschlange</numerusform>
        </translation>
    </message>
    <message>
        <source>{name} could not be read.</source>
        <translation>{name} konnte nicht gelesen werden.</translation>
    </message>
    <message>
        <source>Adding links</source>
        <translation>Hinzufügen von Links</translation>
    </message>
    <message numerus="yes">
        <source>Follow {title} from {provider}? The feed lists %n episode(s).</source>
        <translation>
            <numerusform>{title} von {provider} abonnieren? Der Feed enthält %n Folge.</numerusform>
            <numerusform>{title} von {provider} abonnieren? Der Feed enthält %n Folgen.</numerusform>
        </translation>
    </message>
    <message>
        <source>Follow series</source>
        <translation>Serie abonnieren</translation>
    </message>
    <message>
        <source>Follow</source>
        <translation>Abonnieren</translation>
    </message>
    <message numerus="yes">
        <source>Queued %n link(s)</source>
        <translation>
            <numerusform>%n Link eingereiht</numerusform>
            <numerusform>%n Links eingereiht</numerusform>
        </translation>
    </message>
    <message numerus="yes">
        <source>{queued}; following %n new series</source>
        <translation>
            <numerusform>{queued}; %n neue Serie wird verfolgt</numerusform>
            <numerusform>{queued}; %n neue Serien werden verfolgt</numerusform>
        </translation>
    </message>
    <message numerus="yes">
        <source>… and %n more.</source>
        <translation>
            <numerusform>… und %n weiterer.</numerusform>
            <numerusform>… und %n weitere.</numerusform>
        </translation>
    </message>
    <message numerus="yes">
        <source>%n link(s) could not be added:</source>
        <translation>
            <numerusform>%n Link konnte nicht hinzugefügt werden:</numerusform>
            <numerusform>%n Links konnten nicht hinzugefügt werden:</numerusform>
        </translation>
    </message>
    <message>
        <source>Refresh</source>
        <translation>Aktualisieren</translation>
    </message>
    <message>
        <source>Refreshing</source>
        <translation>Aktualisierung</translation>
    </message>
    <message numerus="yes">
        <source>Refreshed %n series, {changed} changed; {title} failed: {error}.</source>
        <translation>
            <numerusform>%n Serie aktualisiert, {changed} geändert; {title} fehlgeschlagen: {error}.</numerusform>
            <numerusform>%n Serien aktualisiert, {changed} geändert; {title} fehlgeschlagen: {error}.</numerusform>
        </translation>
    </message>
    <message numerus="yes">
        <source>Refreshed %n series, {changed} changed.</source>
        <translation>
            <numerusform>%n Serie aktualisiert, {changed} geändert.</numerusform>
            <numerusform>%n Serien aktualisiert, {changed} geändert.</numerusform>
        </translation>
    </message>
    <message>
        <source>Download missing</source>
        <translation>Fehlende herunterladen</translation>
    </message>
    <message>
        <source>Queueing missing episodes</source>
        <translation>Einreihen fehlender Folgen</translation>
    </message>
    <message numerus="yes">
        <source>Queued %n missing episode(s) of the monitored series.</source>
        <translation>
            <numerusform>%n fehlende Folge der überwachten Serien eingereiht.</numerusform>
            <numerusform>%n fehlende Folgen der überwachten Serien eingereiht.</numerusform>
        </translation>
    </message>
    <message numerus="yes">
        <source>Queued %n missing episode(s).</source>
        <translation>
            <numerusform>%n fehlende Folge eingereiht.</numerusform>
            <numerusform>%n fehlende Folgen eingereiht.</numerusform>
        </translation>
    </message>
    <message>
        <source>Monitor</source>
        <translation>Überwachen</translation>
    </message>
    <message>
        <source>Set TMDB match</source>
        <translation>TMDB-Zuordnung festlegen</translation>
    </message>
    <message>
        <source>{title} now takes its metadata from TMDB series {id}; the files are being rewritten.</source>
        <translation>{title} erhält die Metadaten jetzt von der TMDB-Serie {id}; die Dateien werden neu geschrieben.</translation>
    </message>
    <message>
        <source>Rescan library</source>
        <translation>Bibliothek neu einlesen</translation>
    </message>
    <message>
        <source>Scanning the library</source>
        <translation>Einlesen der Bibliothek</translation>
    </message>
    <message numerus="yes">
        <source>Scanned %n file(s): {matched} matched</source>
        <translation>
            <numerusform>%n Datei eingelesen: {matched} zugeordnet</numerusform>
            <numerusform>%n Dateien eingelesen: {matched} zugeordnet</numerusform>
        </translation>
    </message>
    <message numerus="yes">
        <source>{scanned}, %n not matched to a followed episode</source>
        <translation>
            <numerusform>{scanned}, %n ohne passende abonnierte Folge</numerusform>
            <numerusform>{scanned}, %n ohne passende abonnierte Folge</numerusform>
        </translation>
    </message>
    <message>
        <source>Auto-download</source>
        <translation>Auto-Download</translation>
    </message>
    <message>
        <source>{folder} does not exist yet.</source>
        <translation>{folder} existiert noch nicht.</translation>
    </message>
    <message>
        <source>Open folder</source>
        <translation>Ordner öffnen</translation>
    </message>
    <message>
        <source>No file manager could open {folder}. Open it yourself, or install a file manager that handles folders.</source>
        <translation>Kein Dateimanager konnte {folder} öffnen. Öffnen Sie ihn selbst, oder installieren Sie einen Dateimanager, der Ordner öffnet.</translation>
    </message>
    <message>
        <source>Choose an episode that is on disk, or a finished download, to play.</source>
        <translation>Wählen Sie zum Abspielen eine vorhandene Folge oder einen fertigen Download.</translation>
    </message>
    <message>
        <source>{name} is not on disk any more; rescan the library ({shortcut}).</source>
        <translation>{name} ist nicht mehr vorhanden; lesen Sie die Bibliothek neu ein ({shortcut}).</translation>
    </message>
    <message>
        <source>Playing {name}.</source>
        <translation>{name} wird abgespielt.</translation>
    </message>
    <message>
        <source>Play</source>
        <translation>Abspielen</translation>
    </message>
    <message>
        <source>No video player was found for {name}. Install one (such as VLC or mpv) and make it the default for this kind of file.</source>
        <translation>Für {name} wurde kein Videoplayer gefunden. Installieren Sie einen (etwa VLC oder mpv) und machen Sie ihn zum Standard für diese Art von Datei.</translation>
    </message>
    <message>
        <source>Settings</source>
        <translation>Einstellungen</translation>
    </message>
    <message>
        <source>Settings saved; the library folder, the download limits, automation, media servers and the public broadcasters&apos; choices apply now, the rest from the next start.</source>
        <translation>Einstellungen gespeichert; Bibliotheksordner, Download-Grenzen, Automatik, Medienserver und die Wahl für die Öffentlich-Rechtlichen gelten sofort, der Rest ab dem nächsten Start.</translation>
    </message>
    <message>
        <source>Settings saved; the download limits, automation, media servers and the public broadcasters&apos; choices apply now, the rest from the next start.</source>
        <translation>Einstellungen gespeichert; Download-Grenzen, Automatik, Medienserver und die Wahl für die Öffentlich-Rechtlichen gelten sofort, der Rest ab dem nächsten Start.</translation>
    </message>
</context>
</TS>
