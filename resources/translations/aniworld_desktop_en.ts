<?xml version="1.0" encoding="utf-8"?>
<!DOCTYPE TS>
<TS version="2.1" language="en" sourcelanguage="en">
<context>
    <name>AddLinksDialog</name>
    <message numerus="yes">
        <source>%n link(s) to add.</source>
        <translation>
            <numerusform>%n link to add.</numerusform>
            <numerusform>%n links to add.</numerusform>
        </translation>
    </message>
    <message numerus="yes">
        <source>%n cannot be added:</source>
        <translation>
            <numerusform>%n cannot be added:</numerusform>
            <numerusform>%n cannot be added:</numerusform>
        </translation>
    </message>
    <message numerus="yes">
        <source>… and %n more.</source>
        <translation>
            <numerusform>… and %n more.</numerusform>
            <numerusform>… and %n more.</numerusform>
        </translation>
    </message>
</context>
<context>
    <name>AddSeriesDialog</name>
    <message numerus="yes">
        <source>{title} from {provider}: %n episode(s)</source>
        <translation>
            <numerusform>{title} from {provider}: %n episode</numerusform>
            <numerusform>{title} from {provider}: %n episodes</numerusform>
        </translation>
    </message>
    <message numerus="yes">
        <source>{found} and %n trailer(s) or bonus item(s)</source>
        <translation>
            <numerusform>{found} and %n trailer or bonus item</numerusform>
            <numerusform>{found} and %n trailers or bonus items</numerusform>
        </translation>
    </message>
</context>
<context>
    <name>DetailsPane</name>
    <message numerus="yes">
        <source>{on_disk} of %n episode(s) on disk</source>
        <translation>
            <numerusform>{on_disk} of %n episode on disk</numerusform>
            <numerusform>{on_disk} of %n episodes on disk</numerusform>
        </translation>
    </message>
    <message numerus="yes">
        <source>%n missing</source>
        <translation>
            <numerusform>%n missing</numerusform>
            <numerusform>%n missing</numerusform>
        </translation>
    </message>
    <message numerus="yes">
        <source>%n queued</source>
        <translation>
            <numerusform>%n queued</numerusform>
            <numerusform>%n queued</numerusform>
        </translation>
    </message>
</context>
<context>
    <name>EpisodeTreeModel</name>
    <message numerus="yes">
        <source>{on_disk} of %n on disk</source>
        <translation>
            <numerusform>{on_disk} of %n on disk</numerusform>
            <numerusform>{on_disk} of %n on disk</numerusform>
        </translation>
    </message>
</context>
<context>
    <name>ImportDialog</name>
    <message numerus="yes">
        <source>%n folder(s) to import</source>
        <translation>
            <numerusform>%n folder to import</numerusform>
            <numerusform>%n folders to import</numerusform>
        </translation>
    </message>
    <message numerus="yes">
        <source>; %n need(s) a look.</source>
        <translation>
            <numerusform>; %n needs a look.</numerusform>
            <numerusform>; %n need a look.</numerusform>
        </translation>
    </message>
    <message numerus="yes">
        <source>{recognised} of %n video file(s) name their episode</source>
        <translation>
            <numerusform>{recognised} of %n video file names its episode</numerusform>
            <numerusform>{recognised} of %n video files name their episode</numerusform>
        </translation>
    </message>
    <message numerus="yes">
        <source>Importing %n series…</source>
        <translation>
            <numerusform>Importing %n series…</numerusform>
            <numerusform>Importing %n series…</numerusform>
        </translation>
    </message>
    <message numerus="yes">
        <source>Imported %n series: {matched} matched, {review} to review, {unmatched} not matched.</source>
        <translation>
            <numerusform>Imported %n series: {matched} matched, {review} to review, {unmatched} not matched.</numerusform>
            <numerusform>Imported %n series: {matched} matched, {review} to review, {unmatched} not matched.</numerusform>
        </translation>
    </message>
</context>
<context>
    <name>MediathekSearchDialog</name>
    <message numerus="yes">
        <source>%n film(s) in the film list. Type a programme&apos;s name.</source>
        <translation>
            <numerusform>%n film in the film list. Type a programme&apos;s name.</numerusform>
            <numerusform>%n films in the film list. Type a programme&apos;s name.</numerusform>
        </translation>
    </message>
    <message numerus="yes">
        <source>%n programme(s) found.</source>
        <translation>
            <numerusform>%n programme found.</numerusform>
            <numerusform>%n programmes found.</numerusform>
        </translation>
    </message>
</context>
<context>
    <name>NotificationTexts</name>
    <message numerus="yes">
        <source>{shown} and %n more</source>
        <translation>
            <numerusform>{shown} and %n more</numerusform>
            <numerusform>{shown} and %n more</numerusform>
        </translation>
    </message>
    <message numerus="yes">
        <source>Queued %n new episode(s) of {title}, {episodes}</source>
        <translation>
            <numerusform>Queued %n new episode of {title}, {episodes}</numerusform>
            <numerusform>Queued %n new episodes of {title}, {episodes}</numerusform>
        </translation>
    </message>
    <message numerus="yes">
        <source>Queued %n new episode(s): {list}</source>
        <translation>
            <numerusform>Queued %n new episode: {list}</numerusform>
            <numerusform>Queued %n new episodes: {list}</numerusform>
        </translation>
    </message>
    <message numerus="yes">
        <source>Downloaded %n episode(s): {list}</source>
        <translation>
            <numerusform>Downloaded %n episode: {list}</numerusform>
            <numerusform>Downloaded %n episodes: {list}</numerusform>
        </translation>
    </message>
    <message numerus="yes">
        <source>%n download(s) failed: {list}</source>
        <translation>
            <numerusform>%n download failed: {list}</numerusform>
            <numerusform>%n downloads failed: {list}</numerusform>
        </translation>
    </message>
</context>
<context>
    <name>QueuePane</name>
    <message numerus="yes">
        <source>%n earlier finished download(s) not in the list.</source>
        <translation>
            <numerusform>%n earlier finished download not in the list.</numerusform>
            <numerusform>%n earlier finished downloads not in the list.</numerusform>
        </translation>
    </message>
</context>
<context>
    <name>SeriesCommands</name>
    <message numerus="yes">
        <source>Stop following %n series?

Their queued downloads are cancelled. Their files stay in the library, and scans leave their folders alone from now on.</source>
        <translation>
            <numerusform>Stop following %n series?

Their queued downloads are cancelled. Their files stay in the library, and scans leave their folders alone from now on.</numerusform>
            <numerusform>Stop following %n series?

Their queued downloads are cancelled. Their files stay in the library, and scans leave their folders alone from now on.</numerusform>
        </translation>
    </message>
    <message numerus="yes">
        <source>{title} now follows {url} (%n episode(s)).</source>
        <translation>
            <numerusform>{title} now follows {url} (%n episode).</numerusform>
            <numerusform>{title} now follows {url} (%n episodes).</numerusform>
        </translation>
    </message>
    <message numerus="yes">
        <source>Quality of %n series</source>
        <translation>
            <numerusform>Quality of %n series</numerusform>
            <numerusform>Quality of %n series</numerusform>
        </translation>
    </message>
    <message numerus="yes">
        <source>Episodes downloaded in {quality} from now on (%n read again).</source>
        <translation>
            <numerusform>Episodes downloaded in {quality} from now on (%n read again).</numerusform>
            <numerusform>Episodes downloaded in {quality} from now on (%n read again).</numerusform>
        </translation>
    </message>
    <message numerus="yes">
        <source>{mode}; %n episode(s) changed.</source>
        <translation>
            <numerusform>{mode}; %n episode changed.</numerusform>
            <numerusform>{mode}; %n episodes changed.</numerusform>
        </translation>
    </message>
</context>
<context>
    <name>StatusBar</name>
    <message numerus="yes">
        <source>%n downloading</source>
        <translation>
            <numerusform>%n downloading</numerusform>
            <numerusform>%n downloading</numerusform>
        </translation>
    </message>
    <message numerus="yes">
        <source>%n queued</source>
        <translation>
            <numerusform>%n queued</numerusform>
            <numerusform>%n queued</numerusform>
        </translation>
    </message>
    <message numerus="yes">
        <source>%n paused</source>
        <translation>
            <numerusform>%n paused</numerusform>
            <numerusform>%n paused</numerusform>
        </translation>
    </message>
    <message numerus="yes">
        <source>%n failed</source>
        <translation>
            <numerusform>%n failed</numerusform>
            <numerusform>%n failed</numerusform>
        </translation>
    </message>
    <message numerus="yes">
        <source>Auto-download queued %n episode(s).</source>
        <translation>
            <numerusform>Auto-download queued %n episode.</numerusform>
            <numerusform>Auto-download queued %n episodes.</numerusform>
        </translation>
    </message>
</context>
<context>
    <name>SubscriptionCommands</name>
    <message numerus="yes">
        <source>Following %n new series</source>
        <translation>
            <numerusform>Following %n new series</numerusform>
            <numerusform>Following %n new series</numerusform>
        </translation>
    </message>
    <message numerus="yes">
        <source>{summary}; %n followed already</source>
        <translation>
            <numerusform>{summary}; %n followed already</numerusform>
            <numerusform>{summary}; %n followed already</numerusform>
        </translation>
    </message>
    <message numerus="yes">
        <source>… and %n more.</source>
        <translation>
            <numerusform>… and %n more.</numerusform>
            <numerusform>… and %n more.</numerusform>
        </translation>
    </message>
    <message numerus="yes">
        <source>%n feed(s) could not be followed:</source>
        <translation>
            <numerusform>%n feed could not be followed:</numerusform>
            <numerusform>%n feeds could not be followed:</numerusform>
        </translation>
    </message>
    <message numerus="yes">
        <source>Saved %n feed(s) to {path}.</source>
        <translation>
            <numerusform>Saved %n feed to {path}.</numerusform>
            <numerusform>Saved %n feeds to {path}.</numerusform>
        </translation>
    </message>
</context>
<context>
    <name>TaskProgress</name>
    <message numerus="yes">
        <source>(+%n more)</source>
        <translation>
            <numerusform>(+%n more)</numerusform>
            <numerusform>(+%n more)</numerusform>
        </translation>
    </message>
</context>
<context>
    <name>TmdbMatchDialog</name>
    <message numerus="yes">
        <source>%n series found; choose one, or type its TMDB id below.</source>
        <translation>
            <numerusform>One series found; choose one, or type its TMDB id below.</numerusform>
            <numerusform>%n series found; choose one, or type its TMDB id below.</numerusform>
        </translation>
    </message>
</context>
<context>
    <name>TrayIcon</name>
    <message numerus="yes">
        <source>%n downloading</source>
        <translation>
            <numerusform>%n downloading</numerusform>
            <numerusform>%n downloading</numerusform>
        </translation>
    </message>
    <message numerus="yes">
        <source>%n queued</source>
        <translation>
            <numerusform>%n queued</numerusform>
            <numerusform>%n queued</numerusform>
        </translation>
    </message>
    <message numerus="yes">
        <source>%n failed</source>
        <translation>
            <numerusform>%n failed</numerusform>
            <numerusform>%n failed</numerusform>
        </translation>
    </message>
</context>
<context>
    <name>WindowCommands</name>
    <message numerus="yes">
        <source>Remove %n download(s) from the list?

Unfinished downloads are cancelled and their partial files deleted. Finished files stay in the library.</source>
        <translation>
            <numerusform>Remove this download from the list?

Unfinished downloads are cancelled and their partial files deleted. Finished files stay in the library.</numerusform>
            <numerusform>Remove these %n downloads from the list?

Unfinished downloads are cancelled and their partial files deleted. Finished files stay in the library.</numerusform>
        </translation>
    </message>
    <message numerus="yes">
        <source>Removed %n download(s).</source>
        <translation>
            <numerusform>Removed %n download.</numerusform>
            <numerusform>Removed %n downloads.</numerusform>
        </translation>
    </message>
    <message numerus="yes">
        <source>Remove %n finished download(s) from the list?

Their files stay in the library; only the rows go.</source>
        <translation>
            <numerusform>Remove %n finished download from the list?

Its file stays in the library; only the row goes.</numerusform>
            <numerusform>Remove %n finished downloads from the list?

Their files stay in the library; only the rows go.</numerusform>
        </translation>
    </message>
    <message numerus="yes">
        <source>Cleared %n finished download(s).</source>
        <translation>
            <numerusform>Cleared %n finished download.</numerusform>
            <numerusform>Cleared %n finished downloads.</numerusform>
        </translation>
    </message>
    <message numerus="yes">
        <source>Following {title} (%n episode(s)).</source>
        <translation>
            <numerusform>Following {title} (%n episode).</numerusform>
            <numerusform>Following {title} (%n episodes).</numerusform>
        </translation>
    </message>
    <message numerus="yes">
        <source>Queued %n episode(s) of {title}.</source>
        <translation>
            <numerusform>Queued %n episode of {title}.</numerusform>
            <numerusform>Queued %n episodes of {title}.</numerusform>
        </translation>
    </message>
    <message numerus="yes">
        <source>Following the demo series; %n episode(s) queued.</source>
        <translation>
            <numerusform>Following the demo series; %n episode queued.</numerusform>
            <numerusform>Following the demo series; %n episodes queued.</numerusform>
        </translation>
    </message>
    <message numerus="yes">
        <source>Queued %n episode(s)</source>
        <translation>
            <numerusform>Queued %n episode</numerusform>
            <numerusform>Queued %n episodes</numerusform>
        </translation>
    </message>
    <message numerus="yes">
        <source>{queued}; %n already in the queue</source>
        <translation>
            <numerusform>{queued}; %n already in the queue</numerusform>
            <numerusform>{queued}; %n already in the queue</numerusform>
        </translation>
    </message>
    <message numerus="yes">
        <source>Follow {title} from {provider}? The feed lists %n episode(s).</source>
        <translation>
            <numerusform>Follow {title} from {provider}? The feed lists %n episode.</numerusform>
            <numerusform>Follow {title} from {provider}? The feed lists %n episodes.</numerusform>
        </translation>
    </message>
    <message numerus="yes">
        <source>Queued %n link(s)</source>
        <translation>
            <numerusform>Queued %n link</numerusform>
            <numerusform>Queued %n links</numerusform>
        </translation>
    </message>
    <message numerus="yes">
        <source>{queued}; following %n new series</source>
        <translation>
            <numerusform>{queued}; following %n new series</numerusform>
            <numerusform>{queued}; following %n new series</numerusform>
        </translation>
    </message>
    <message numerus="yes">
        <source>… and %n more.</source>
        <translation>
            <numerusform>… and %n more.</numerusform>
            <numerusform>… and %n more.</numerusform>
        </translation>
    </message>
    <message numerus="yes">
        <source>%n link(s) could not be added:</source>
        <translation>
            <numerusform>%n link could not be added:</numerusform>
            <numerusform>%n links could not be added:</numerusform>
        </translation>
    </message>
    <message numerus="yes">
        <source>Refreshed %n series, {changed} changed; {title} failed: {error}.</source>
        <translation>
            <numerusform>Refreshed %n series, {changed} changed; {title} failed: {error}.</numerusform>
            <numerusform>Refreshed %n series, {changed} changed; {title} failed: {error}.</numerusform>
        </translation>
    </message>
    <message numerus="yes">
        <source>Refreshed %n series, {changed} changed.</source>
        <translation>
            <numerusform>Refreshed %n series, {changed} changed.</numerusform>
            <numerusform>Refreshed %n series, {changed} changed.</numerusform>
        </translation>
    </message>
    <message numerus="yes">
        <source>Queued %n missing episode(s) of the monitored series.</source>
        <translation>
            <numerusform>Queued %n missing episode of the monitored series.</numerusform>
            <numerusform>Queued %n missing episodes of the monitored series.</numerusform>
        </translation>
    </message>
    <message numerus="yes">
        <source>Queued %n missing episode(s).</source>
        <translation>
            <numerusform>Queued %n missing episode.</numerusform>
            <numerusform>Queued %n missing episodes.</numerusform>
        </translation>
    </message>
    <message numerus="yes">
        <source>Scanned %n file(s): {matched} matched</source>
        <translation>
            <numerusform>Scanned %n file: {matched} matched</numerusform>
            <numerusform>Scanned %n files: {matched} matched</numerusform>
        </translation>
    </message>
    <message numerus="yes">
        <source>{scanned}, %n not matched to a followed episode</source>
        <translation>
            <numerusform>{scanned}, %n not matched to a followed episode</numerusform>
            <numerusform>{scanned}, %n not matched to a followed episode</numerusform>
        </translation>
    </message>
</context>
</TS>
