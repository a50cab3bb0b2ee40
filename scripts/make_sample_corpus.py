#!/usr/bin/env python3
"""Generate the shingle sample corpus (sample_corpus/) and its known truth
(tests/data/sample_truth.json).

Deterministic and stdlib-only: running it twice produces byte-identical files
(gzip members are written with mtime=0, all randomness comes from seeded
random.Random instances, no set/hash iteration order reaches the output).

Usage (from the repository root or anywhere):

    python3 scripts/make_sample_corpus.py            # write corpus + truth, print summary
    python3 scripts/make_sample_corpus.py --check    # regenerate in memory and compare with files on disk

Output (paths relative to the repository root):

    sample_corpus/news-a.jsonl        site A ("Calder Ledger"): every page wrapped in
                                      the same 10 chrome lines (nav, cookie banner,
                                      footer + copyright, XS/SM/MD/LG font picker);
                                      photo captions repeated twice (caption + alt
                                      text), some leaked from other language editions
    sample_corpus/news-b.jsonl.gz     site B ("Valley Wire"), different chrome, two
                                      concatenated gzip members; syndicated, edited
                                      copies of site A's long articles + own articles
    sample_corpus/multilingual.jsonl  Vietnamese (incl. NFD copies), Chinese and Thai
                                      pages with extra fields url/lang/fetched_at
    sample_corpus/pages/*.txt         plain-text pages, one document per file
    tests/data/sample_truth.json      planted exact / near-duplicate groups with J
                                      values, distinct pairs sharing chrome,
                                      boilerplate and in-page repeated lines

All article text is original prose written for this corpus.  Distinct
articles are composed from hand-written, topic-grouped sentence pools with
per-article slot fills (places, people, numbers); two distinct articles share
at most two sentence templates, which the script verifies with a Python
reimplementation of shingle's similarity (see `words()` below).
"""
import copy
import gzip
import io
import json
import re
import sys
import unicodedata
from collections import Counter, defaultdict
from datetime import datetime, timedelta
from pathlib import Path
import random

ROOT = Path(__file__).resolve().parent.parent
OUT_DIR = ROOT / "sample_corpus"
TRUTH_PATH = ROOT / "tests" / "data" / "sample_truth.json"
SEED = 20240611
NEAR_THRESHOLD = 0.8
# ---------------------------------------------------------------------------
# English topic pools (hand-written).  heads[i] and ledes[i] belong together;
# body/ends are generic for the topic and are combined so that two articles
# share at most two templates (and the slot fills differ).
# Slots: {town} {p1} {s1} {p2} {s2} {p3} {s3} {street} {weekday} {month}
#        {year} {n1} {n2} {pct} {money} {venue} {team} {rival} {school}
#        {company} {river}
# ---------------------------------------------------------------------------
EN_TOPICS = {}

EN_TOPICS["transit"] = dict(
    heads=[
        "{town} tram extension clears final planning hurdle",
        "Bus fares in {town} set to rise by {pct} percent",
        "New rail shuttle promises faster trips between {town} and the coast",
        "Night buses return to {town} after two-year gap",
        "{street} station to close for {n1} weeks of repairs",
        "Councillors approve protected cycle lanes on {street}",
        "Single smartcard for ferries and buses unveiled in {town}",
        "Signal failure leaves {town} commuters stranded for hours",
    ],
    ledes=[
        "Plans to extend the {town} tram line by {n1} stops were approved on {weekday}, ending a planning dispute that has dragged on since {year}.",
        "Passengers in {town} will pay {pct} percent more for a single bus ticket from {month}, the regional transport authority announced on {weekday}.",
        "A new rail shuttle linking {town} with the coastal towns will start running in {month}, cutting the journey to roughly twenty minutes each way.",
        "Late-night bus services will return to {town} from {month}, two years after they were cut during a round of budget savings.",
        "Commuters who rely on {street} station face {n1} weeks of disruption after engineers found corroded steel beneath the platform canopy.",
        "Councillors in {town} voted on {weekday} evening to build protected cycle lanes along the full length of {street}, overturning an earlier rejection.",
        "Travellers in {town} will soon be able to pay for ferries, buses and trams with a single contactless card, officials said on {weekday}.",
        "Thousands of commuters in {town} were stuck on trains and platforms for much of {weekday} morning after a signal cable failed near the junction.",
    ],
    body=[
        "{p1}, who chairs the transport committee, said the decision reflected years of complaints from residents about crowded and unreliable services.",
        "Officials estimate the work will cost about {money}, with most of the money coming from a regional infrastructure fund set up after the last election.",
        "“People have waited long enough for a service that actually turns up on time,” said {p2}, who commutes daily from the edge of town.",
        "A passenger survey carried out last autumn found that {pct} percent of regular riders had missed a connection at least once a month.",
        "Replacement buses will run every fifteen minutes while engineers are on site, although journeys are expected to take noticeably longer than usual.",
        "Shop owners along {street} have raised concerns that months of roadworks could keep customers away during the busiest trading season of the year.",
        "The operator said it would publish revised timetables online at least two weeks before any change takes effect, and print copies would be available at stations.",
        "{p3}, a transport researcher at the regional university, said similar schemes in other mid-sized cities had lifted passenger numbers within a year.",
        "Disability campaigners welcomed the plans but asked for step-free access at every stop rather than only at the main interchanges.",
        "The last major upgrade to the network was completed in {year}, when the central depot was rebuilt after a fire destroyed part of the workshop.",
        "Opposition councillors argued that the money would be better spent repairing potholes on rural roads that connect outlying villages to {town}.",
        "According to the transport authority, roughly {n2} thousand journeys are made on the local network in an average working week.",
        "{s1} acknowledged that punctuality had been poor for several months and promised to publish monthly figures so the public could judge progress.",
        "Cyclists who use the route said they would welcome anything that separated them from the heavy lorries heading to and from the port.",
        "Staff at the control centre worked through the night to restore services, and a spokesperson thanked passengers for their patience.",
        "The scheme still requires final approval from the national rail regulator, which is expected to rule on the application before the end of the year.",
        "Fares for students, apprentices and pensioners will stay frozen until at least next spring under the agreement reached with the operator.",
        "{p2} said the last bus home currently leaves far too early for anyone working an evening shift in a restaurant or hospital.",
    ],
    ends=[
        "A public information session about the changes will be held at {venue} on {weekday} evening.",
        "The transport authority said it would review how the changes are working after six months and report back to councillors.",
        "Maps of the affected routes and a list of frequently asked questions are expected to be published next week.",
        "Passengers are advised to check the operator's website or the station noticeboards before setting out.",
    ],
    caps=[
        "Passengers board a tram at the {street} stop in {town}.",
        "{p1} speaks to reporters outside the transport authority offices.",
        "Engineers inspect a section of track near {town} on {weekday}.",
    ],
)

EN_TOPICS["weather"] = dict(
    heads=[
        "Storm brings down trees and power lines across {town}",
        "Heat warning issued as temperatures climb toward record levels",
        "{river} bursts its banks for the second time this winter",
        "Fog grounds early flights and slows traffic on the coast road",
        "Hailstorm shreds greenhouses on farms outside {town}",
        "Drought measures tighten as reservoir falls to {pct} percent",
        "First snow of the season closes schools in the hills above {town}",
        "Forecasters warn of gales as autumn storm approaches",
    ],
    ledes=[
        "Gusts of more than ninety kilometres an hour tore through {town} overnight on {weekday}, uprooting trees and leaving hundreds of homes without electricity.",
        "The regional weather service issued an amber heat warning on {weekday}, predicting afternoon temperatures close to the all-time high recorded in {year}.",
        "The {river} spilled over its banks early on {weekday} for the second time since December, flooding low-lying streets and several riverside gardens.",
        "Thick fog rolling in from the sea delayed the first flights of the day on {weekday} and reduced visibility on the coast road to a few metres.",
        "A violent hailstorm that lasted barely ten minutes has destroyed greenhouses and young crops on at least {n1} farms near {town}.",
        "Residents in {town} face a ban on garden hoses from {month} after the main reservoir dropped to {pct} percent of its capacity.",
        "The first heavy snowfall of the winter left roads in the hills above {town} impassable on {weekday}, forcing {n1} village schools to close.",
        "Forecasters have warned that a deep area of low pressure will bring gales and heavy rain to the coast over the coming weekend.",
    ],
    body=[
        "Emergency crews received more than {n2} calls in the space of a few hours, most of them about fallen branches blocking roads.",
        "{p1}, a duty forecaster with the regional weather service, said the conditions were unusual for the time of year but not unprecedented.",
        "“I heard a crack like a gunshot and the whole tree came down across the drive,” said {p2}, who lives on {street}.",
        "The electricity network operator said it hoped to reconnect the remaining households by the end of the day, but warned some rural lines could take longer.",
        "Farmers said the timing could hardly have been worse, with much of the harvest still in the fields or only just planted.",
        "Council gritters and road crews were out before dawn, concentrating on bus routes and the steep roads leading to the hospital.",
        "Rainfall over the past month has been roughly {pct} percent below the long-term average, according to figures released by the water company.",
        "{p3}, a climate scientist who has studied local weather records going back a century, said extreme events in the region were becoming more frequent.",
        "Older residents and people with heart or breathing conditions have been urged to stay indoors during the hottest part of the afternoon.",
        "Sandbags were handed out from the fire station on {street}, where volunteers helped load them into cars throughout the evening.",
        "Ferry crossings were suspended for most of the day, and the harbour master advised small boats to remain in port until the wind eased.",
        "Insurance companies said they expected a large number of claims and encouraged homeowners to photograph any damage before starting repairs.",
        "The weather service said the worst of the conditions would pass by {weekday}, although showers and cooler temperatures would linger.",
        "{s1} said the warning system had worked as intended, with alerts sent to mobile phones across the district several hours in advance.",
        "Several football matches and an outdoor market planned for the weekend were called off as a precaution.",
        "Residents were asked to check on elderly neighbours and to avoid walking along the seafront while waves were breaking over the promenade.",
        "Local records show that the district last experienced conditions this severe in {year}, when a storm damaged the pier.",
        "{p2} said the household had been through similar weather before but had never seen water rise so quickly in the lane outside.",
    ],
    ends=[
        "Updates on road closures are being posted on the council's website throughout the day.",
        "The weather service will review its warning level again on {weekday} morning.",
        "Anyone who sees a fallen power line is urged to keep well away and report it immediately.",
        "Forecasters expect calmer and drier conditions to return by the middle of next week.",
    ],
    caps=[
        "A fallen tree blocks {street} in {town} after the storm.",
        "Volunteers fill sandbags outside the fire station on {weekday}.",
        "Waves break over the sea wall near {town} harbour.",
    ],
)

EN_TOPICS["schools"] = dict(
    heads=[
        "{school} to open new science wing in {month}",
        "Parents protest plan to merge two primary schools in {town}",
        "Free breakfast club expands to every school in {town}",
        "Exam results at {school} best in a decade",
        "Teacher shortage forces {town} school to cut subjects",
        "Students design app to help classmates with dyslexia",
        "Mobile phones banned from classrooms at {school}",
        "Crumbling classroom ceilings prompt emergency repairs",
    ],
    ledes=[
        "{school} will open a new science wing in {month}, giving pupils access to modern laboratories for the first time since the building opened in the 1970s.",
        "More than {n2} parents gathered outside the education offices in {town} on {weekday} to protest a plan to merge two neighbouring primary schools.",
        "A free breakfast club that began as a pilot at a single school will expand to every primary school in {town} from the start of next term.",
        "Pupils at {school} recorded their best examination results in ten years, with {pct} percent achieving top grades in mathematics.",
        "A shortage of specialist teachers means {school} will stop offering German and physics to new pupils from {month}.",
        "A group of teenagers at {school} has built a reading app for classmates with dyslexia, winning a regional innovation award on {weekday}.",
        "Pupils at {school} will have to hand in their mobile phones at the start of each day under a new policy announced by the head teacher.",
        "Emergency repairs are under way at {school} after pieces of plaster fell from classroom ceilings during the half-term break.",
    ],
    body=[
        "{p1}, the head teacher, said staff had worked hard to keep disruption to a minimum and thanked families for their support.",
        "The education authority said the change was necessary because pupil numbers in the area had fallen by almost a fifth over the past decade.",
        "“My daughter has been at that school since she was four, and now they want to move her halfway across town,” said {p2}, a parent.",
        "The project is being funded through a {money} grant from the national schools building programme, with the rest coming from the council.",
        "Teachers' unions said the problem reflected low pay and heavy workloads that were pushing experienced staff out of the profession.",
        "{p3}, who studies education policy at the regional university, said small schools often produced strong results despite their higher costs per pupil.",
        "A consultation will run until the end of {month}, and parents will be able to give their views online or at drop-in sessions.",
        "Several pupils said the changes had made lessons calmer and that they were spending more time talking to friends at break time.",
        "The school has around {n2} teaching staff and more than {n3} pupils aged between eleven and eighteen.",
        "Inspectors rated the school as good at its last inspection in {year}, praising its careers advice and its music department.",
        "Governors met on {weekday} evening to discuss the proposal, and minutes of the meeting will be published on the school's website.",
        "Children who arrive hungry find it much harder to concentrate, according to teachers who have run the scheme since it began.",
        "{s1} said the school would keep the situation under review and was already advertising for staff on a permanent basis.",
        "Local businesses have offered to provide mentors and work placements for older pupils interested in engineering and laboratory careers.",
        "The council said that no pupil would be left without a place and that free transport would be offered where journeys became longer.",
        "{p2} said parents had not been told about the plans until a letter arrived in their children's school bags a week before half-term.",
        "Engineers surveyed every classroom during the holiday, and the rooms judged unsafe will stay closed until repairs are complete.",
        "Former pupils have started a fundraising page to buy equipment for the new rooms, raising several thousand pounds in the first week.",
    ],
    ends=[
        "The education committee is due to make a final decision at its meeting in {month}.",
        "Parents with questions have been asked to contact the school office directly.",
        "A formal opening ceremony is planned for the start of the new school year.",
        "The council said it would publish the full report before the next round of consultations begins.",
    ],
    caps=[
        "Pupils at {school} take part in a lesson on {weekday}.",
        "Parents gather outside the education offices in {town}.",
        "Head teacher {p1} in one of the school's classrooms.",
    ],
)

EN_TOPICS["festival"] = dict(
    heads=[
        "Lantern parade lights up {town} old quarter",
        "Folk festival returns to {town} with record ticket sales",
        "Street food fair draws thousands to {street}",
        "Sand sculpture contest brings artists from {n1} countries",
        "{town} choir festival celebrates fifty years",
        "Open studios weekend invites visitors behind closed doors",
        "Film festival in {town} spotlights first-time directors",
        "Harvest fair revives old traditions on the village green",
    ],
    ledes=[
        "Thousands of people filled the narrow streets of {town}'s old quarter on {weekday} night for the annual lantern parade, which this year featured more than {n2} handmade lanterns.",
        "The {town} folk festival will return in {month} after selling more tickets than in any previous year, organisers said on {weekday}.",
        "Visitors queued along {street} on {weekday} as more than {n2} food stalls opened for the town's largest street food fair to date.",
        "Sculptors from {n1} countries spent the weekend carving castles, dragons and sea creatures from sand on the main beach near {town}.",
        "Singers from across the region gathered in {town} on {weekday} to mark fifty years of the choir festival that began in a church hall in {year}.",
        "Painters, potters and printmakers across {town} will open their studios to the public next weekend as part of an annual arts trail.",
        "The {town} film festival opened on {weekday} with a programme dominated by first-time directors, many of them from the region.",
        "Morris dancers, sheepdog trials and a giant pumpkin contest drew crowds to the green at {town} on {weekday} for the revived harvest fair.",
    ],
    body=[
        "Organisers said the event had grown steadily since it began with a handful of volunteers and a borrowed sound system.",
        "{p1}, who chairs the festival committee, said the aim had always been to keep tickets affordable for local families.",
        "“It is the one weekend of the year when the whole town seems to come out at once,” said {p2}, who has attended every year since childhood.",
        "Road closures will be in place around the town centre from early afternoon, and extra buses will run until midnight.",
        "Local hotels and guest houses reported that most rooms had been booked for weeks, and some visitors were camping in nearby fields.",
        "The programme includes workshops for children, a craft market and free performances on a stage set up beside {venue}.",
        "Police said the event had passed off peacefully, with only a handful of minor incidents reported over the course of the weekend.",
        "Volunteers spent several months preparing, building props in a borrowed warehouse and rehearsing on weekday evenings.",
        "{p3}, a historian of regional customs, said the tradition dates back at least two centuries and had nearly disappeared after the war.",
        "Traders on {street} said the festival brought in more business over a few days than they normally see in a month.",
        "This year the organisers introduced reusable cups and extra recycling points in an effort to reduce the amount of litter left behind.",
        "Funding from the council and a local brewery covered about {pct} percent of the costs, with the rest raised from ticket sales.",
        "{s1} said the committee was already thinking about next year and hoped to add a second stage for younger performers.",
        "Many of the performers are amateurs who work in offices, shops and farms during the week and rehearse in their spare time.",
        "Visitors were encouraged to leave their cars at home, and a park-and-ride service operated from the retail park outside town.",
        "A collection taken during the closing concert raised money for the children's ward at the local hospital.",
        "{p2} said the highlight had been watching neighbours of all ages dancing together in the square long after dark.",
        "Accessibility has improved, with a viewing platform for wheelchair users and a quiet area for people who find crowds overwhelming.",
    ],
    ends=[
        "Tickets for next year's event are expected to go on sale in {month}.",
        "A full programme is available from the tourist information centre and online.",
        "Organisers are still looking for volunteers to help with setting up and clearing away.",
        "The festival closes on {weekday} evening with a fireworks display over the harbour.",
    ],
    caps=[
        "Children carry paper lanterns through the streets of {town}.",
        "Performers on stage during the opening night of the festival.",
        "Visitors browse the stalls on {street} on {weekday}.",
    ],
)

EN_TOPICS["science"] = dict(
    heads=[
        "University team finds bacteria that break down fishing nets",
        "Telescope on the headland spots unusually bright comet",
        "Researchers map ancient forest buried beneath the bay",
        "Seabird study reveals record journey across the ocean",
        "Local lab develops cheap test for contaminated well water",
        "Fossil footprints uncovered after cliff collapse near {town}",
        "Students launch weather balloon to the edge of space",
        "Study finds city trees lower summer temperatures by several degrees",
    ],
    ledes=[
        "Scientists at the regional university have identified a strain of bacteria that can slowly digest the nylon used in discarded fishing nets, according to a study published on {weekday}.",
        "Amateur and professional astronomers using the observatory on the headland have photographed a comet that is brighter than expected for this stage of its orbit.",
        "A team of marine geologists has mapped the remains of a forest that stood on dry land before sea levels rose and flooded the bay thousands of years ago.",
        "A seabird fitted with a lightweight tracker flew more than {n3} kilometres in a single journey, the longest ever recorded for the species, researchers said.",
        "Chemists in {town} have developed a paper test strip that can detect common contaminants in well water for a fraction of the cost of laboratory analysis.",
        "Dinosaur footprints preserved in rock have been exposed after part of the cliff near {town} collapsed during winter storms.",
        "A group of secondary school students launched a weather balloon from a field near {town} on {weekday} and recovered it after it reached the edge of space.",
        "Streets lined with mature trees can be several degrees cooler on summer afternoons than nearby streets without them, according to a new study of {town}.",
    ],
    body=[
        "The research, led by {p1}, took nearly four years and involved collecting samples from dozens of sites along the coast.",
        "“We were surprised by how consistent the results were, because field data is usually much messier than this,” said {p3}, a co-author of the study.",
        "The findings were published in a peer-reviewed journal and will be presented at an international conference in {month}.",
        "The work was funded by a {money} grant from a national science council, with additional support from a marine conservation charity.",
        "Independent experts said the results were promising but cautioned that more work would be needed before any practical use.",
        "Members of the public contributed thousands of observations through a smartphone app, which helped the team fill gaps in the data.",
        "{s1} said the next stage would involve testing whether the effect could be reproduced at a much larger scale outside the laboratory.",
        "Measurements were taken every hour for more than {n2} days using instruments that the team built and calibrated themselves.",
        "The site is difficult to reach and can only be visited safely for a few hours either side of low tide.",
        "Similar discoveries have been made elsewhere in Europe, but few have been as well preserved or as easy to date accurately.",
        "The university has applied for a patent, and two local companies have already expressed interest in developing the idea further.",
        "{p2}, who helped collect samples as a volunteer, said it was exciting to see a question that started on a local beach become published science.",
        "Researchers stressed that the public should not attempt to collect specimens themselves, as the area is protected and potentially dangerous.",
        "The data will be made freely available online so that other scientists can check the analysis and build on it.",
        "Computer models suggest the pattern could change significantly over the next few decades as the climate continues to warm.",
        "The team now hopes to secure funding for a second expedition in {month}, this time with a research vessel and underwater cameras.",
        "{s3} said the project showed the value of long-term monitoring, which is often the first thing cut when research budgets are squeezed.",
        "Photographs and a short film about the project will be shown at the university's open day and later at the town museum.",
    ],
    ends=[
        "A public lecture on the findings will take place at the university on {weekday} evening.",
        "The full study can be read free of charge on the journal's website.",
        "The researchers say they expect to publish further results within the next year.",
        "Anyone who wants to take part in the next phase can sign up through the university's citizen science page.",
    ],
    caps=[
        "{p1} examines samples in the university laboratory.",
        "Researchers at work on the shore near {town} at low tide.",
        "A member of the team prepares equipment before the launch.",
    ],
)
EN_TOPICS["health"] = dict(
    heads=[
        "Waiting times at {town} emergency department fall for first time in years",
        "New walk-in clinic opens on {street}",
        "Flu vaccination drive targets older residents",
        "Hospital car park charges scrapped for patients' families",
        "Mental health helpline for farmers extends its hours",
        "Maternity unit at {town} hospital to reopen after refurbishment",
        "Dentist shortage leaves thousands without regular care",
        "Volunteer drivers keep rural patients connected to hospital appointments",
    ],
    ledes=[
        "Patients at the emergency department in {town} waited less time to be seen last month than at any point in the past four years, new figures show.",
        "A walk-in clinic offering treatment for minor injuries and illnesses opened on {street} on {weekday}, seven days a week from early morning until late evening.",
        "Health officials in {town} have launched a drive to vaccinate every resident over sixty-five against flu before the end of {month}.",
        "Relatives of patients at {town} hospital will no longer have to pay to park, after health managers agreed on {weekday} to scrap the charges.",
        "A telephone helpline for farmers and rural workers struggling with stress and depression will now answer calls around the clock.",
        "The maternity unit at {town} hospital will reopen in {month} after a refurbishment that took more than a year and cost {money}.",
        "Thousands of people in and around {town} are unable to register with a dentist after {n1} practices stopped accepting new patients.",
        "A network of volunteer drivers made more than {n3} trips last year taking patients from remote villages to hospital appointments.",
    ],
    body=[
        "{p1}, the hospital's chief executive, said the improvement was the result of extra staff and a new system for assessing patients on arrival.",
        "Health unions welcomed the news but warned that staff remained exhausted after several difficult winters in a row.",
        "“You shouldn't have to choose between visiting your mother and paying for the week's shopping,” said {p2}, whose mother spent a month on a ward.",
        "The service will be staffed by nurses and paramedics, with doctors available by video link for more complex cases.",
        "According to the health board, roughly {pct} percent of people attending the emergency department could have been treated elsewhere.",
        "{p3}, who researches rural health at the regional university, said isolation and long distances made it harder for people to seek help early.",
        "Patients are encouraged to call ahead or use the online booking system, although walk-in appointments will always be available.",
        "The project has been funded for an initial two years, after which its results will be reviewed by the health board.",
        "Several practices said they could no longer recruit enough dentists to keep up with demand, particularly for treatment funded by the public system.",
        "{s1} said the hospital had listened to complaints from families and wanted to make visiting as easy as possible.",
        "Pharmacies in {town} are also offering vaccinations without an appointment on weekday mornings.",
        "Volunteers receive training in first aid and safeguarding, and their fuel costs are reimbursed by a local charity.",
        "The refurbished unit includes {n1} new birthing rooms, a bereavement suite and a small kitchen for families.",
        "Local councillors said the change should have happened years ago and urged other hospitals in the region to follow suit.",
        "{p2} said the helpline had made a real difference during a winter when prices for livestock collapsed and debts mounted.",
        "Staff at the clinic will be able to order X-rays and blood tests, reducing the need for patients to travel to the main hospital.",
        "Figures released in {month} showed that waiting lists for routine operations in the region remained among the longest in the country.",
        "The health board said it would monitor demand closely and adjust opening hours if the clinic became too busy.",
    ],
    ends=[
        "More information is available from GP surgeries and on the health board's website.",
        "The health board will publish updated figures again at the end of {month}.",
        "People who need urgent help should still call the emergency number.",
        "A formal review of the service is scheduled for next spring.",
    ],
    caps=[
        "Nurses at work on a ward at {town} hospital.",
        "The entrance to the new clinic on {street}.",
        "{p1} speaks during a visit to the hospital on {weekday}.",
    ],
)

EN_TOPICS["business"] = dict(
    heads=[
        "Bakery chain to create {n2} jobs with new {town} factory",
        "Family hardware shop closes after ninety years on {street}",
        "{company} wins export deal worth {money}",
        "Empty shops in {town} centre to become pop-up workshops",
        "Shipyard apprentices complete first year of revived programme",
        "Rising rents push independent cafes out of the high street",
        "Brewery expansion approved despite neighbours' objections",
        "Startup turns seaweed into packaging for local farms",
    ],
    ledes=[
        "A regional bakery chain will create {n2} jobs when it opens a new production site on the edge of {town} in {month}.",
        "A hardware shop that has served customers on {street} since before the Second World War will close its doors for the last time on {weekday}.",
        "{company}, a manufacturer based in {town}, has signed an export deal worth {money} to supply components to customers in Scandinavia.",
        "Empty shop units in the centre of {town} will be turned into low-cost workshops for craftspeople and small businesses under a new council scheme.",
        "The first group of apprentices to join the revived training programme at the {town} shipyard has completed its first year, the company said on {weekday}.",
        "Independent cafe owners in {town} say rent increases of up to {pct} percent are forcing them to close or move away from the high street.",
        "Planners have approved the expansion of a craft brewery in {town}, despite objections from neighbours about noise and delivery lorries.",
        "A startup founded by two marine biology graduates in {town} is turning locally farmed seaweed into biodegradable packaging.",
    ],
    body=[
        "{p1}, the managing director, said the company had chosen the site because of the skilled workforce and good road links to the port.",
        "“Customers have been incredibly loyal, but the way people shop has changed completely,” said {p2}, whose family has run the business for three generations.",
        "The local chamber of commerce said the announcement was a vote of confidence in the area after several difficult years.",
        "Figures from the council show that around {pct} percent of ground-floor units in the town centre are currently vacant.",
        "The company expects to recruit most of the new staff locally and will offer training for people with no previous experience.",
        "{p3}, an economist at the regional university, said small manufacturers had proved more resilient than many expected during the recent downturn.",
        "Business rates and energy bills were cited as the biggest pressures facing shops, alongside competition from online retailers.",
        "The deal follows two years of negotiations and several visits by the overseas customer to inspect the production line.",
        "{s1} said the firm hoped to double its workforce within five years if demand continued to grow.",
        "Neighbours had complained that lorries already block the narrow lane several times a day and that the smell from the site lingers in summer.",
        "Applicants will pay a reduced rent for the first year, with support from business advisers on marketing and bookkeeping.",
        "The project received {money} from a regional growth fund, which aims to attract manufacturing investment to coastal towns.",
        "{p2} said regular customers had been coming in all week to say goodbye, some of them bringing old receipts and photographs.",
        "Local suppliers, including farms and a packaging firm, are expected to benefit from the additional orders.",
        "Trade unions welcomed the new jobs but urged the company to recognise them and to pay at least the real living wage.",
        "The company began in a garden shed in {year} and now employs {n2} people at two sites in the region.",
        "Council officers said the scheme would be reviewed after twelve months and could be extended to other streets if successful.",
        "Retail analysts said the closure reflected a national trend, with traditional hardware stores struggling against large out-of-town chains.",
    ],
    ends=[
        "Recruitment for the first roles is expected to begin in {month}.",
        "The company said it would hold an open evening at {venue} for anyone interested in applying.",
        "The council will publish details of how to apply for a unit later this month.",
        "The shop's remaining stock will be sold at a discount until closing day.",
    ],
    caps=[
        "Staff at work on the production line in {town}.",
        "{p2} behind the counter of the shop on {street}.",
        "The empty shop fronts on {street} in {town}.",
    ],
)

EN_TOPICS["sport"] = dict(
    heads=[
        "Late goal sends {team} into cup semi-final",
        "{team} fall to narrow defeat against {rival}",
        "Rowing club celebrates first national title in its history",
        "Teenage sprinter breaks regional record that stood since {year}",
        "New floodlights allow {team} to play evening fixtures",
        "Women's rugby team secures promotion with game to spare",
        "Veteran swimmer completes crossing of the bay",
        "Youth basketball league doubles in size",
    ],
    ledes=[
        "A header in the final minute of stoppage time sent {team} into the semi-finals of the regional cup on {weekday}, sparking wild celebrations among the home supporters.",
        "{team} were beaten by a single goal against {rival} on {weekday}, ending a run of {n1} matches without defeat.",
        "The {town} rowing club won its first national title on {weekday}, taking gold in the coxed four ahead of crews from much larger clubs.",
        "A sixteen-year-old sprinter from {town} ran the hundred metres faster than any athlete in the region since {year}, clocking a new record at the county championships.",
        "{team} will be able to host evening fixtures for the first time after new floodlights were switched on at the ground on {weekday}.",
        "The {town} women's rugby team secured promotion on {weekday} with a convincing win away from home, with one game of the season still to play.",
        "A {n1}-times grandmother from {town} has completed a swim across the bay, finishing in just under {n1} hours despite a strong tide.",
        "The youth basketball league in {town} has doubled in size this season, with teams now entered from every secondary school in the district.",
    ],
    body=[
        "{p1}, the team's coach, said the players had shown great character after a difficult start to the season.",
        "“We have been building toward this for years, and to finally do it in front of our own supporters is special,” said {p2}, the captain.",
        "A crowd of around {n3} people watched the game, the biggest attendance at the ground for more than a decade.",
        "The visitors dominated possession in the first half but struggled to create clear chances against a well-organised defence.",
        "The club relies on volunteers to run the bar, wash the kit and mark out the pitch before every home match.",
        "Training sessions take place twice a week at the leisure centre, and new members of all abilities are welcome.",
        "{p3}, a sports scientist who works with several local clubs, said the results reflected a big improvement in fitness and preparation.",
        "The club raised the {smallmoney} needed for the project through grants, a sponsored walk and a long-running prize draw.",
        "{s1} singled out the younger players for praise, several of whom came through the club's own junior section.",
        "Conditions were difficult, with a strong wind blowing across the pitch and rain falling steadily for most of the afternoon.",
        "The result leaves the team third in the table with {n1} matches remaining, just two points behind the leaders.",
        "Parents and supporters travelled by coach to cheer on the team, and many stayed late to celebrate at the clubhouse.",
        "The regional sports council said participation in team sports among teenagers had risen by {pct} percent over the past three years.",
        "{p2} said the squad would enjoy the moment before turning attention to the next fixture on {weekday}.",
        "Local businesses sponsored new kit for the season, and a bakery on {street} provides food after every home game.",
        "Referees and officials also praised the sporting behaviour of both sets of players throughout the match.",
        "The achievement is all the more remarkable because the club trains on a stretch of water it shares with ferries and fishing boats.",
        "Ticket prices have been kept low so that families can attend, and under-sixteens are admitted free of charge.",
    ],
    ends=[
        "The next home fixture takes place on {weekday} afternoon.",
        "The club will hold an open training session for newcomers next month.",
        "The draw for the next round will be made on {weekday} evening.",
        "Highlights of the match will be shown on the club's social media channels.",
    ],
    caps=[
        "{team} players celebrate at the final whistle.",
        "Supporters in the stand during the match on {weekday}.",
        "Coach {p1} watches from the touchline.",
    ],
)

EN_TOPICS["housing"] = dict(
    heads=[
        "Plans for {n2} homes on former dairy site unveiled",
        "Tenants win fight over mould in {town} tower block",
        "Average rent in {town} climbs {pct} percent in a year",
        "Council to buy empty homes and let them to local families",
        "Community land trust builds first affordable houses",
        "Holiday lets blamed for housing squeeze in coastal villages",
        "Retirement village approved on edge of {town}",
        "Self-build plots offered to young families",
    ],
    ledes=[
        "A developer has unveiled plans to build {n2} homes on the site of a former dairy on the outskirts of {town}, including a new park and a small shop.",
        "Tenants of a tower block in {town} have won their campaign for repairs after the landlord agreed on {weekday} to replace windows and ventilation in every flat.",
        "The average monthly rent for a two-bedroom home in {town} has risen by {pct} percent over the past year, according to figures published on {weekday}.",
        "The council in {town} will buy long-term empty homes, renovate them and rent them to local families on low incomes, under a scheme approved on {weekday}.",
        "A community land trust in {town} has handed over the keys to its first {n1} affordable homes, built on land donated by a local farmer.",
        "Residents of coastal villages near {town} say the growing number of holiday lets is making it impossible for young people to stay in the area.",
        "Plans for a retirement village with more than {n2} apartments and a care home on the edge of {town} were approved by planners on {weekday}.",
        "The council is offering serviced plots of land to young families who want to design and build their own homes on the edge of {town}.",
    ],
    body=[
        "{p1}, the council's cabinet member for housing, said the scheme would help families who had been priced out of the area.",
        "“We have been reporting damp and mould for three winters, and every time they just painted over it,” said {p2}, a tenant.",
        "At least {pct} percent of the new homes will be classed as affordable, either for social rent or for shared ownership.",
        "Neighbours have raised concerns about traffic on the narrow roads leading to the site and the pressure on local schools and surgeries.",
        "More than {n3} households are currently on the waiting list for social housing in the district, according to council figures.",
        "{p3}, a housing researcher at the regional university, said the problem could not be solved without building more homes at prices local people could afford.",
        "The homes will be built to high energy-efficiency standards, with heat pumps, solar panels and triple-glazed windows.",
        "Estate agents said demand from buyers moving from the cities had pushed prices up faster than local wages.",
        "The landlord said it took the complaints seriously and had set aside {money} for repairs across its properties in the town.",
        "{s1} said the council would prioritise people who grew up in the area or who work in essential local jobs.",
        "Campaigners want the council to limit the number of second homes and to charge higher council tax on properties left empty.",
        "Construction is expected to begin in {month} and the first residents could move in within two years.",
        "{p2} said the family had moved {n1} times in five years because landlords kept selling up or raising the rent.",
        "The site has been derelict since the dairy closed in {year}, and parts of it have become a magnet for fly-tipping.",
        "Planning officers recommended approval after the developer agreed to pay for a new footpath and improvements to the junction.",
        "Local builders will be invited to bid for the work, and the council hopes to use materials from suppliers in the region.",
        "A survey of tenants found that more than half had waited over a month for a repair to be carried out.",
        "Holiday lettings can earn owners several times more than a long-term tenancy, which has encouraged many to switch.",
    ],
    ends=[
        "The planning application will be considered by the council committee in {month}.",
        "Residents can view the plans at {venue} until the end of the month.",
        "The council said it would report on progress in a year's time.",
        "Tenants said they would continue to monitor the work closely.",
    ],
    caps=[
        "New homes under construction on the edge of {town}.",
        "{p2} shows damp patches on the wall of a flat in {town}.",
        "Houses along {street} in {town}.",
    ],
)

EN_TOPICS["environment"] = dict(
    heads=[
        "Otters spotted on the {river} for the first time in decades",
        "Volunteers pull two tonnes of rubbish from the {river}",
        "Seagrass meadow replanted in effort to restore the bay",
        "Council to stop using weedkiller in parks and verges",
        "Sewage spills into the {river} reported {n2} times last year",
        "Beavers released into wetland reserve near {town}",
        "Tree planting scheme aims for a hundred thousand saplings",
        "Plastic-free pledge signed by businesses on {street}",
    ],
    ledes=[
        "Otters have been photographed on the {river} near {town} for the first time in more than thirty years, delighting wildlife groups who have campaigned to clean up the water.",
        "More than {n2} volunteers spent {weekday} pulling shopping trolleys, tyres and plastic bags from the {river}, collecting around two tonnes of rubbish.",
        "Divers and volunteers have replanted an area of seagrass in the bay near {town} the size of several football pitches, in one of the largest projects of its kind.",
        "The council in {town} will stop spraying chemical weedkiller in parks, playgrounds and road verges from {month}, switching to hot foam and hand weeding.",
        "Untreated sewage was released into the {river} {n2} times last year, according to figures obtained by campaigners from the water company.",
        "A family of beavers has been released into a fenced wetland reserve near {town} as part of a trial to reduce flooding downstream.",
        "A tree-planting scheme launched on {weekday} aims to put a hundred thousand saplings into the ground around {town} over the next five years.",
        "Shops, cafes and market traders along {street} in {town} have signed a pledge to phase out single-use plastic by the end of the year.",
    ],
    body=[
        "{p1}, who leads the local wildlife trust, said the news showed what could be achieved when people worked together over many years.",
        "“When I was a boy you could not swim in that river without getting ill, so this is a remarkable change,” said {p2}, a retired angler.",
        "The water company said it was investing {money} in upgrades to treatment works and storm overflows in the area.",
        "Scientists will monitor the site for several years to measure the effect on water quality, fish numbers and insect life.",
        "Volunteers have been trained to survey the riverbanks and record signs of wildlife such as footprints, droppings and feeding marks.",
        "{p3}, an ecologist at the regional university, said healthy habitats along the coast could absorb carbon and protect the shore from erosion.",
        "Farmers have been offered grants to plant hedges and leave strips of land uncultivated along the water's edge.",
        "Campaigners say the figures are only the tip of the iceberg because many overflow pipes are still not fitted with monitors.",
        "The council said the change would cost slightly more at first but would protect pollinators and the health of park staff.",
        "{s1} said the group hoped to involve schools so that children could learn about the wildlife living on their doorstep.",
        "Saplings will be grown from seeds collected from ancient woodland in the area, so that they are suited to the local climate.",
        "Walkers and dog owners have been asked to keep to the paths and not to disturb animals during the breeding season.",
        "Some residents questioned the decision, worried that pavements and gravestones would become overgrown.",
        "The scheme is backed by {company}, which has agreed to fund the work for the first three years.",
        "{p2} said local people had noticed more birds and butterflies in the area since the work began.",
        "Plastic makes up roughly {pct} percent of the litter collected along the river, most of it food packaging and drinks bottles.",
        "Similar projects elsewhere have been slow to succeed, and experts warned that patience would be needed before the results are clear.",
        "Local anglers have reported seeing more trout and salmon in the upper reaches of the river over the past two seasons.",
    ],
    ends=[
        "The next volunteer day is planned for {weekday} morning, meeting at {venue}.",
        "The wildlife trust will publish the results of its survey later this year.",
        "Anyone who spots wildlife on the river is encouraged to report it through the trust's website.",
        "Campaigners say they will keep up the pressure until the river is safe for swimming.",
    ],
    caps=[
        "Volunteers haul rubbish from the {river} near {town}.",
        "A section of the riverbank near {town} on {weekday}.",
        "{p1} inspects young saplings at the nursery.",
    ],
)
EN_TOPICS["courts"] = dict(
    heads=[
        "Man jailed for string of burglaries across {town}",
        "Landlord fined for ignoring fire safety orders",
        "Scam callers target pensioners in {town}, police warn",
        "Jury clears fisherman of smuggling charges",
        "Council loses appeal over closure of {street} market",
        "Bike thefts rise sharply near {town} station",
        "Restaurant owner ordered to pay staff unpaid wages",
        "Police appeal after vandals damage war memorial",
    ],
    ledes=[
        "A man who broke into {n1} homes across {town} over a single summer was jailed for four years at the crown court on {weekday}.",
        "A landlord has been fined {smallmoney} after magistrates heard he repeatedly ignored orders to fit fire doors and alarms in a house of shared flats.",
        "Police in {town} have warned older residents to be on guard after a wave of phone calls from people pretending to be bank staff.",
        "A fisherman from {town} was cleared on {weekday} of smuggling charges after a trial that lasted nearly three weeks.",
        "Market traders have won their legal battle to stay on {street}, after a judge ruled on {weekday} that the council had not consulted them properly.",
        "The number of bicycles reported stolen near {town} station has almost doubled in a year, prompting police to step up patrols.",
        "The owner of a restaurant in {town} has been ordered to pay {smallmoney} in unpaid wages to former staff after an employment tribunal.",
        "Police have appealed for witnesses after the war memorial in {town} was sprayed with paint and a bronze plaque was damaged on {weekday} night.",
    ],
    body=[
        "The court heard that the offences were carried out over several months, often in the early hours of the morning.",
        "{p1}, the detective who led the investigation, said the sentence should reassure residents who had been left frightened in their own homes.",
        "“I no longer feel safe sleeping with the window open, even in the middle of summer,” one victim said in a statement read to the court.",
        "Defence lawyers told the court that their client had struggled with addiction and had since begun a treatment programme.",
        "The judge said the offences had caused real distress and that a custodial sentence was the only appropriate outcome.",
        "Officers said many of the victims were too embarrassed to report what had happened, which meant the true scale was probably larger.",
        "{p2}, who gave evidence during the trial, said outside court that the case had taken a heavy toll on the family.",
        "Police advised residents never to give bank details over the phone and to hang up and call their bank using a number they trust.",
        "The council said it was disappointed by the ruling and would consider its options before deciding whether to appeal.",
        "{p3}, a solicitor who specialises in housing law, said many tenants did not know they could report dangerous conditions.",
        "Security marking schemes for bicycles will be offered free of charge at the station on {weekday} mornings.",
        "The tribunal found that staff had been paid below the minimum wage for months and that tips had been withheld.",
        "{s1} urged anyone with information or dashcam footage from the area to contact police, quoting the incident number.",
        "Magistrates heard that inspectors had visited the property {n1} times before deciding to take legal action.",
        "Community leaders condemned the damage, saying the memorial meant a great deal to families in the town.",
        "The jury took less than four hours to reach its verdict after hearing evidence from {n2} witnesses.",
        "Prosecutors said stolen items, including jewellery and laptops, had been sold through online marketplaces within days.",
        "The cost of the repairs is expected to run into thousands of pounds, and a local stonemason has offered to help.",
    ],
    ends=[
        "Anyone with information can contact the police or report anonymously through the crime line.",
        "The case will return to court in {month} for a hearing on costs.",
        "Police said further arrests had not been ruled out.",
        "Support for victims of crime is available through the local victim support service.",
    ],
    caps=[
        "The crown court building in {town}.",
        "Detective {p1} speaks outside court on {weekday}.",
        "Police officers on patrol near {town} station.",
    ],
)

EN_TOPICS["technology"] = dict(
    heads=[
        "Fibre broadband finally reaches villages around {town}",
        "Council computers hit by cyber attack",
        "App lets {town} residents report potholes with a photo",
        "Library offers free digital skills classes for older people",
        "Mobile signal black spots mapped by volunteers",
        "Local software firm chosen to build ferry booking system",
        "Smart bins trial cuts collection costs",
        "Students build robot to sort recycling",
    ],
    ledes=[
        "Homes in {n1} villages around {town} can now connect to full-fibre broadband, years after residents began campaigning for faster internet.",
        "Council services in {town} were disrupted on {weekday} after a cyber attack forced staff to shut down computer systems as a precaution.",
        "Residents in {town} can now report potholes, broken streetlights and fly-tipping by taking a photo with a new smartphone app launched on {weekday}.",
        "The public library in {town} is offering free weekly classes to help older people use email, video calls and online banking safely.",
        "Volunteers carrying phones in their pockets have mapped every mobile signal black spot along the roads around {town}.",
        "{company}, a software firm based in {town}, has been chosen to build a new online booking system for the ferries that serve the islands.",
        "Solar-powered bins that compress rubbish and report when they are full have cut collection costs by {pct} percent in a trial in {town}.",
        "A team of students at the college in {town} has built a robot that can sort recyclable waste using a camera and a simple learning program.",
    ],
    body=[
        "{p1}, who led the project, said the work had involved laying several kilometres of new cable along narrow country lanes.",
        "“Until now we had to drive into town just to make a video call with our grandchildren,” said {p2}, a resident.",
        "The council said there was no evidence that personal data had been taken, but it had informed the national data protection regulator.",
        "The system cost around {money} to develop and will be maintained by a small team based in the town.",
        "{p3}, a computer scientist at the regional university, said small organisations were often attacked because their defences were weaker.",
        "Faster connections should make it easier for people to work from home and for small businesses to sell online.",
        "Reports submitted through the app are sent directly to the team responsible, and users can track progress in real time.",
        "Classes are small, and volunteers from a local college help participants practise on their own phones and tablets.",
        "{s1} said the aim was to make sure nobody was left behind as more and more services move online.",
        "Residents were asked to be patient while systems were restored and to be wary of emails claiming to come from the council.",
        "The maps have been shared with the network operators and with emergency services, who rely on good coverage in rural areas.",
        "The project was funded by a national programme that pays for connections in areas where commercial providers would not build.",
        "Engineers said the technology could be adapted for use in schools and offices at relatively little extra cost.",
        "Islanders have long complained that the old booking website crashed whenever tickets for the summer timetable went on sale.",
        "{p2} said that after a few weeks of classes, shopping online and spotting fraudulent messages no longer felt daunting.",
        "About {pct} percent of properties in the district still cannot receive speeds high enough to stream video reliably.",
        "The company plans to hire {n1} more developers over the next year, all of them based in {town}.",
        "Some councillors questioned whether the money would have been better spent on staff rather than new gadgets.",
    ],
    ends=[
        "Residents can check whether their address is covered on the provider's website.",
        "The council said it would publish a full account of the incident once its investigation is complete.",
        "The next set of classes begins on {weekday} and places can be booked at the library desk.",
        "The new system is expected to go live in {month}.",
    ],
    caps=[
        "Engineers lay fibre cable along a lane near {town}.",
        "{p2} uses a tablet at the library in {town}.",
        "Students with their robot at the college workshop.",
    ],
)

EN_TOPICS["farming"] = dict(
    heads=[
        "Apple growers expect bumper harvest after mild spring",
        "Dairy farmers struggle as milk price falls again",
        "Farmers' market moves to {town} square",
        "Young farmers learn to fly crop-spraying drones",
        "Sheep rustling on the rise in hills above {town}",
        "Potato crop hit by wet autumn",
        "Oyster farm reopens after water quality improves",
        "Allotment waiting list reaches {n2} in {town}",
    ],
    ledes=[
        "Apple growers around {town} are preparing for one of their biggest harvests in years after a mild spring and a warm, sunny summer.",
        "Dairy farmers near {town} say they are losing money on every litre of milk after processors cut the price they pay for the third time this year.",
        "The weekly farmers' market in {town} will move to the main square from {month}, giving stallholders more space and better access for shoppers.",
        "A group of young farmers from around {town} has completed training to fly drones that can spray crops and survey fields from the air.",
        "Police say more than {n2} sheep have been stolen from farms in the hills above {town} this year, with thieves apparently working at night.",
        "Potato growers near {town} fear losing a large part of their crop after weeks of heavy rain left fields too waterlogged to harvest.",
        "An oyster farm in the estuary near {town} has reopened after tests showed that water quality had improved enough to resume sales.",
        "The number of people waiting for an allotment in {town} has reached {n2}, with some applicants told they may wait up to ten years.",
    ],
    body=[
        "{p1}, who has farmed the land for more than thirty years, said the season had been one of the most unpredictable in living memory.",
        "“You work all year and then a few weeks of bad weather can wipe out most of your income,” said {p2}, a grower.",
        "Farm incomes in the region have fallen by around {pct} percent over the past two years, according to the farmers' union.",
        "Buyers from supermarkets and cider makers have already visited the orchards to agree prices for the coming weeks.",
        "The cost of fuel, fertiliser and animal feed has risen sharply, squeezing margins that were already tight.",
        "{p3}, an agricultural economist at the regional university, said smaller family farms were the most vulnerable to price swings.",
        "Stallholders sell vegetables, cheese, bread and meat produced within a few miles of the town, and many have been coming for years.",
        "Seasonal workers usually arrive in late summer, but growers say it has become harder to find enough pickers.",
        "{s1} said the family had installed cameras and new locks on gates after losing animals in the spring.",
        "The union has called on the government to do more to protect farmers from sudden changes in prices set by large buyers.",
        "Tests are carried out every week, and the farm will only sell shellfish when results show they are safe to eat.",
        "Allotment holders grow everything from beans and onions to grapes and sweetcorn, and many share surplus produce with neighbours.",
        "Technology such as drones and soil sensors can help farmers use less water and fewer chemicals, supporters say.",
        "Farmers have been advised to check livestock regularly and to report suspicious vehicles to police immediately.",
        "{p2} said the family would wait another week before deciding whether to plough the remaining crop back into the ground.",
        "The council has identified {n1} possible sites for new allotments and will consult residents before the end of the year.",
        "Demand for local food grew strongly during the pandemic and has remained higher than before, according to market organisers.",
        "Many growers sell directly to customers through farm shops and box schemes to get a fairer price for their produce.",
    ],
    ends=[
        "The farmers' union will hold a public meeting on the issue at {venue} next month.",
        "The market runs every {weekday} from eight in the morning until early afternoon.",
        "Growers say the full picture will not be clear until the end of the season.",
        "Advice for farmers is available from the union's regional office.",
    ],
    caps=[
        "Pickers at work in an orchard near {town}.",
        "{p1} with cattle on a farm outside {town}.",
        "Stalls at the farmers' market in {town}.",
    ],
)

EN_TOPICS["heritage"] = dict(
    heads=[
        "Medieval coins found by metal detectorist go on display",
        "Town museum reopens after three-year restoration",
        "Campaign to save {town}'s last cinema building",
        "Old railway station to become community hub",
        "Archive of wartime letters donated to library",
        "Shipwreck identified after a century on the seabed",
        "Blue plaque honours pioneering nurse from {town}",
        "Clock tower chimes again after decades of silence",
    ],
    ledes=[
        "A hoard of medieval silver coins found by a metal detectorist in a field near {town} has gone on display at the county museum.",
        "The {town} museum reopened to the public on {weekday} after a three-year restoration that uncovered painted ceilings hidden for a century.",
        "Residents have launched a campaign to save the art deco building on {street} that housed {town}'s last cinema until it closed in {year}.",
        "The derelict railway station in {town} will be turned into a cafe, meeting rooms and workspace for local groups under plans approved on {weekday}.",
        "More than {n3} letters written by soldiers and their families during the Second World War have been donated to the library in {town}.",
        "Divers have identified the wreck of a cargo steamer that sank off {town} in a storm more than a hundred years ago.",
        "A blue plaque has been unveiled on {street} to honour a nurse from {town} who founded one of the first community health clinics in the region.",
        "The clock on the tower above the old market hall in {town} chimed on {weekday} for the first time in more than forty years.",
    ],
    body=[
        "{p1}, the museum's curator, said the find offered a rare glimpse into everyday life in the area several hundred years ago.",
        "“My grandparents went on their first date in that building, so it means a lot to many families here,” said {p2}, one of the campaigners.",
        "The restoration was funded by a {money} grant from the national heritage fund and donations from more than a thousand local people.",
        "Volunteers spent months cataloguing the material, and much of it will be digitised so that it can be viewed online.",
        "{p3}, a historian at the regional university, said the discovery would change what was known about trade along this stretch of coast.",
        "The building is listed, which means any changes to its appearance must be approved by the heritage authorities.",
        "Craftspeople used traditional materials and techniques, including lime plaster and hand-made bricks, during the work.",
        "{s1} said the aim was to make the building useful again rather than preserving it as a monument that nobody visits.",
        "Records from the time describe the ship leaving port with a cargo of coal and a crew of {n2}, none of whom survived.",
        "School groups will be able to visit free of charge, and a new education room has been created for workshops.",
        "The owners of the building have said they are open to offers but need to cover the cost of essential repairs.",
        "Descendants of people mentioned in the letters have been invited to a special event to see the originals.",
        "Experts used old photographs and architectural drawings to recreate details that had been lost over the years.",
        "{p2} said visitors had been moved to tears when they saw the names of relatives in the exhibition.",
        "The site is protected by law, and divers have been reminded that nothing may be removed from the wreck.",
        "Visitor numbers at the museum had fallen to around {n3} a month before it closed for the work.",
        "Mechanisms inside the tower were cleaned, repaired and in some cases rebuilt by a retired engineer who volunteered his time.",
        "The local history society has asked residents to search their attics for photographs and documents connected to the building.",
    ],
    ends=[
        "The exhibition runs until the end of {month}, and entry is free.",
        "The museum is open from Tuesday to Sunday.",
        "A public meeting about the campaign will be held at {venue} on {weekday}.",
        "More details are available from the local history society.",
    ],
    caps=[
        "Visitors look at the exhibition in {town} on {weekday}.",
        "{p1} holds one of the items found near {town}.",
        "The old building on {street} in {town}.",
    ],
)

EN_TOPICS["energy"] = dict(
    heads=[
        "Solar farm on former landfill site begins generating power",
        "Power cut leaves {n2} thousand homes in the dark",
        "Offshore wind port plan promises hundreds of jobs",
        "Households urged to check for help with energy bills",
        "Community turbine pays for village hall roof",
        "District heating network to warm council flats",
        "Hydrogen bus trial begins on coastal route",
        "Old coal yard cleared for battery storage site",
    ],
    ledes=[
        "A solar farm built on a former landfill site outside {town} began feeding electricity into the grid on {weekday}, generating enough power for around {n3} homes.",
        "About {n2} thousand homes and businesses in and around {town} lost power for several hours on {weekday} after a fault at a substation.",
        "The harbour in {town} could become a base for building and maintaining offshore wind farms under plans that promise hundreds of new jobs.",
        "Charities and the council in {town} are urging households to check whether they are entitled to help with energy bills before winter sets in.",
        "A wind turbine owned by residents of a village near {town} has raised enough money to replace the leaking roof of the village hall.",
        "Hundreds of council flats in {town} will be connected to a district heating network that uses waste heat from a nearby factory.",
        "Buses powered by hydrogen fuel cells began carrying passengers on the coastal route between {town} and the neighbouring villages on {weekday}.",
        "Work has begun to clear an old coal yard in {town} to make way for a large battery storage site that will help balance the local grid.",
    ],
    body=[
        "{p1}, the project manager, said the site had been chosen because the land could not be used for housing or farming.",
        "“We had candles ready, but it was the freezer full of food we were worried about,” said {p2}, who lives on {street}.",
        "The project cost around {money} and was paid for through a mix of private investment and a public green energy fund.",
        "Engineers from the network operator worked through the afternoon to reroute supplies while the faulty equipment was replaced.",
        "{p3}, an energy researcher at the regional university, said local projects could help keep the lights on when demand was highest.",
        "Profits are shared among members of the community cooperative, with a proportion set aside for local good causes.",
        "Many households in the area rely on electric heating, which makes them particularly exposed to rising prices.",
        "The council said the scheme would cut carbon emissions from the buildings by more than {pct} percent.",
        "{s1} said the company would compensate customers who were without power for longer than the guaranteed standard.",
        "Critics argued that the plans would bring more heavy traffic to the harbour area and spoil views from the seafront.",
        "Advisers will be available at {venue} every {weekday} to help people fill in application forms.",
        "The batteries store electricity when demand is low and release it back to the grid in the early evening peak.",
        "{p2} said the project had brought neighbours together and given the village a sense of pride.",
        "The operator said it would continue to monitor the site and carry out a full investigation into the cause of the fault.",
        "Trade bodies said the region had the skills needed for the industry because of its long history of shipbuilding and engineering.",
        "Residents will pay less for heat than they do now, according to the council, and will no longer need individual boilers.",
        "Drivers have been trained to refuel the buses safely, and a filling station has been built at the depot.",
        "Sheep will graze between the rows of panels to keep the grass down and avoid the need for mowing.",
    ],
    ends=[
        "Further information is available from the council's energy advice line.",
        "The planning application will be decided later this year.",
        "The operator apologised to customers for the disruption.",
        "An open day at the site is planned for {month}.",
    ],
    caps=[
        "Rows of solar panels on the former landfill near {town}.",
        "Engineers at work at the substation on {weekday}.",
        "A hydrogen bus at the depot in {town}.",
    ],
)
# Extra headline/lede pairs so every topic can yield eleven distinct stories.
EN_EXTRA = {
 "transit": [
  ("Park-and-ride site opens on the edge of {town}",
   "A park-and-ride site with spaces for {n2} cars opened on the edge of {town} on {weekday}, with shuttle buses running to the centre every ten minutes."),
  ("Level crossing near {town} to be replaced by a bridge",
   "The level crossing that has caused long queues on the main road into {town} for decades will be replaced by a road bridge, the rail operator confirmed on {weekday}."),
  ("School bus route axed despite parents' petition",
   "A bus route used by dozens of pupils travelling to {school} will be withdrawn in {month}, despite a petition signed by more than {n3} parents."),
 ],
 "weather": [
  ("Lightning strike sets church roof alight in {town}",
   "Firefighters spent several hours tackling a blaze at a church in {town} after its roof was struck by lightning during a thunderstorm on {weekday} evening."),
  ("Coldest night of the year brings black ice to {town} roads",
   "Temperatures fell to minus {n1} degrees in {town} overnight on {weekday}, the coldest night of the year so far, leaving roads and pavements coated in black ice."),
  ("Landslip closes coastal footpath near {town}",
   "A section of the coastal footpath near {town} has been closed after heavy rain triggered a landslip that carried away part of the cliff edge on {weekday}."),
 ],
 "schools": [
  ("Outdoor classroom built by parents at {school}",
   "Parents at {school} spent three weekends building an outdoor classroom from recycled timber, and pupils held their first lesson in it on {weekday}."),
  ("Music lessons saved after community fundraising drive",
   "Free music lessons for pupils in {town} will continue next year after a fundraising drive by parents and local musicians raised more than {smallmoney}."),
  ("School cooks win award for locally sourced menus",
   "The kitchen team at {school} has won a national award for school meals made with vegetables, meat and fish bought from producers within twenty miles of {town}."),
 ],
 "festival": [
  ("Jazz weekend fills {town} pubs and squares",
   "Musicians from across the country played in pubs, churches and squares around {town} over the weekend as the annual jazz festival drew bigger crowds than ever."),
  ("Kite festival returns to the dunes near {town}",
   "Hundreds of kites in the shapes of fish, dragons and giant octopuses filled the sky above the dunes near {town} on {weekday} as the kite festival returned."),
  ("Storytelling festival brings folk tales to village halls",
   "A storytelling festival that takes traditional folk tales into village halls around {town} opened on {weekday} with a sold-out evening at {venue}."),
 ],
 "science": [
  ("Drone survey counts record number of seals on sandbanks",
   "A drone survey of the sandbanks off {town} has counted more grey seal pups than in any year since records began, researchers announced on {weekday}."),
  ("Glow-in-the-dark plankton lights up the bay",
   "Swimmers and walkers near {town} have been treated to a rare display of bioluminescent plankton, which makes breaking waves glow blue after dark."),
  ("Ancient pollen reveals how farmers first cleared the hills",
   "Pollen grains preserved in a peat bog above {town} show when the first farmers began clearing woodland in the area, according to research published on {weekday}."),
 ],
 "health": [
  ("Community defibrillators installed in {n1} villages",
   "Life-saving defibrillators have been installed in {n1} villages around {town}, after a campaign led by the family of a man who died of a cardiac arrest last year."),
  ("GP surgery in {town} to close its doors",
   "Thousands of patients registered at a GP surgery in {town} will have to move to other practices after the partners announced it will close in {month}."),
  ("Hospital radio celebrates forty years on air",
   "The volunteer-run hospital radio station in {town} celebrated forty years of broadcasting on {weekday} with a special programme of requests from patients and staff."),
 ],
 "business": [
  ("Historic department store on {street} finds new owner",
   "The department store that has stood on {street} since Victorian times has been bought by a local family firm, saving around {n2} jobs."),
  ("Tourist season starts strongly for {town} traders",
   "Cafes, shops and boat operators in {town} say the tourist season has started strongly, with visitor numbers over the Easter weekend well above last year."),
  ("Car parts maker cuts night shift as orders fall",
   "{company} will stop its night shift at the factory in {town} from {month} after a fall in orders from carmakers, affecting around {n2} workers."),
 ],
 "sport": [
  ("Bowls club opens its doors to younger players",
   "The bowls club in {town} is running free taster sessions for teenagers this summer in an effort to attract younger members to a sport it says is often misunderstood."),
  ("Cricket club's pavilion rebuilt after arson attack",
   "Members of the cricket club in {town} celebrated the opening of their new pavilion on {weekday}, eighteen months after the old one was destroyed in an arson attack."),
  ("Cyclists tackle the hills in charity sportive",
   "More than {n3} cyclists took on the steep lanes around {town} on {weekday} in a charity ride that raised money for the air ambulance."),
 ],
 "housing": [
  ("Empty office block to be converted into flats",
   "An empty office block near the station in {town} will be converted into {n2} flats under plans approved on {weekday}, despite concerns about the size of some units."),
  ("Caravan park residents face eviction after land sale",
   "Dozens of people who live all year round at a caravan park near {town} have been told they must leave by {month} after the land was sold to a developer."),
  ("Young people's housing project opens in former vicarage",
   "A former vicarage in {town} has reopened as supported housing for young people leaving care, with {n1} bedrooms and staff on site around the clock."),
 ],
 "environment": [
  ("Hedgehog highway links gardens across {town} estate",
   "Residents on an estate in {town} have cut small holes in their fences to create a hedgehog highway linking more than a hundred gardens."),
  ("Car-free day turns {street} into a playground",
   "Children chalked pictures on the tarmac and neighbours set up tables for lunch as {street} in {town} was closed to traffic for the town's first car-free day."),
  ("Wildflower verges bloom after council stops mowing",
   "Roadside verges around {town} are bursting with wildflowers this summer after the council stopped mowing them several times a year."),
 ],
 "courts": [
  ("Drink-driver banned after crash outside primary school",
   "A driver who crashed into railings outside a primary school in {town} while more than twice the legal limit has been banned from driving for three years."),
  ("Fly-tipper ordered to clean up country lane",
   "A man who dumped builders' rubble in a country lane near {town} has been ordered to carry out {n2} hours of unpaid work and pay the cost of clearing it."),
  ("Stolen lifeboat donations returned after appeal",
   "A collection box containing donations for the lifeboat station in {town} has been returned after police released images of a man leaving a cafe with it."),
 ],
 "technology": [
  ("Council trials artificial intelligence to answer phone queries",
   "The council in {town} is trialling a computer system that answers simple telephone queries about bin collections and parking permits, it confirmed on {weekday}."),
  ("Coding club for girls marks its hundredth session",
   "A weekly coding club for girls at the library in {town} held its hundredth session on {weekday}, with former members returning to help teach beginners."),
  ("Fake parking app warning issued by {town} council",
   "Drivers in {town} have been warned about a fake parking payment app that steals bank card details after several residents reported losing money."),
 ],
 "farming": [
  ("Honey harvest best in years for {town} beekeepers",
   "Beekeepers around {town} say this year's honey harvest is the best for a decade, thanks to a warm summer and an abundance of wildflowers and clover."),
  ("Farm open day teaches children where food comes from",
   "More than {n3} children visited a working farm near {town} on {weekday}, milking cows, feeding lambs and learning how wheat becomes bread."),
  ("Vineyard on south-facing slope produces first vintage",
   "A vineyard planted on a south-facing slope outside {town} five years ago has bottled its first wine, a sparkling white made from grapes picked by volunteers."),
 ],
 "heritage": [
  ("Victorian swimming baths to be restored",
   "The Victorian swimming baths in {town}, closed since {year}, will be restored and reopened after the council secured {money} in heritage funding."),
  ("Sunken village revealed as reservoir level drops",
   "The ruins of a village flooded when a reservoir was built near {town} in the 1950s have reappeared as water levels fall during the dry summer."),
  ("Oral history project records memories of the shipyard",
   "A project recording the memories of people who worked at the shipyard in {town} has collected more than {n2} interviews, which will be stored at the county archive."),
 ],
 "energy": [
  ("Tidal energy test site chosen off {town}",
   "A stretch of sea off {town} with some of the strongest tides in the region has been chosen as a test site for new underwater turbines."),
  ("Heat pumps fitted in {n2} homes in first phase of retrofit",
   "Heat pumps and new insulation have been fitted in {n2} council homes in {town} in the first phase of a scheme to cut bills and carbon emissions."),
  ("Streetlights switched to LED saving council thousands",
   "Every streetlight in {town} has now been switched to low-energy LED bulbs, a change the council says will save {money} over the next ten years."),
 ],
}
# Additional body sentences (appended to each topic's pool).
EN_MORE_BODY = {
 "transit": [
  "Drivers' representatives said staff shortages had caused many of the recent cancellations and called for better pay to keep experienced drivers.",
  "A spokesperson for the operator said new vehicles ordered last year would be in service on the busiest routes by the end of {month}.",
  "Residents of outlying estates complained that they are often left waiting at unlit stops with no information about when the next service will arrive.",
  "Campaigners for better public transport handed in a petition with more than {n3} signatures at the council offices earlier this year.",
 ],
 "weather": [
  "Some of the worst-hit residents said they had only just finished repairing the damage caused by storms the previous winter.",
  "Highway engineers inspected several bridges during the afternoon and said none appeared to have suffered structural damage.",
  "The coastguard urged walkers and photographers to stay away from cliff edges and harbour walls until conditions improved.",
  "Shops and cafes in the town centre opened late, and several stayed closed altogether because staff could not get to work.",
 ],
 "schools": [
  "Pupils at the school come from {n1} neighbouring villages, and many travel more than half an hour each way by bus.",
  "The head of the local parents' forum said families wanted clear answers rather than another round of meetings.",
  "Staff have been given extra training, and the changes will be explained to pupils in assemblies during the first week of term.",
  "Older pupils have volunteered to act as mentors for younger children who are finding the changes difficult.",
 ],
 "festival": [
  "Stewards in bright jackets were on hand throughout the weekend to help visitors find their way and to reunite lost children with their parents.",
  "Young musicians from the local secondary schools opened the evening programme, many of them performing in public for the first time.",
  "The committee said it had deliberately kept the event small enough that people could still bump into friends in the crowd.",
  "Photographs from the weekend have been shared thousands of times online, prompting enquiries from visitors as far away as the capital.",
 ],
 "science": [
  "The samples are now stored in freezers at the university so that future researchers can return to them with new techniques.",
  "Local fishermen helped the team by reporting unusual sightings and by lending boats when the research vessel was unavailable.",
  "The team has shared its early results with the national environment agency, which monitors the health of coastal waters.",
  "Several undergraduate students took part in the fieldwork, and two of them are now continuing the research for their doctorates.",
 ],
 "health": [
  "Nurses said the most common problems they see are sprains, minor burns, chest infections and children with high temperatures.",
  "The health board admitted that recruitment had been difficult and said it was offering relocation packages to attract staff.",
  "Patient groups asked for information to be made available in large print and in the languages most widely spoken in the area.",
  "A survey of patients found that nine out of ten would recommend the service to friends and family.",
 ],
 "business": [
  "The firm's order book is full for the next eighteen months, according to the finance director, who said cash flow remained the main challenge.",
  "Shoppers said they would miss the personal service and the staff who always knew exactly where to find a particular screw or fitting.",
  "Energy costs at the site have tripled in three years, prompting the company to install solar panels on the roof of its warehouse.",
  "A new apprenticeship scheme will allow school leavers to earn a wage while studying for a qualification at the local college.",
 ],
 "sport": [
  "The club was founded in {year} by a group of dock workers and still plays its home games on the same patch of ground.",
  "Injuries to two key players earlier in the season forced the coaching staff to rethink their tactics and give younger squad members a chance.",
  "Supporters have raised money for a minibus so that junior teams no longer have to rely on parents to drive them to away fixtures.",
  "The governing body has praised the club's work to make the sport more welcoming for girls and people with disabilities.",
 ],
 "housing": [
  "The council has set a target of building {n3} affordable homes over the next five years but admits it is behind schedule.",
  "Local builders say rising material costs and a shortage of skilled tradespeople have made small developments harder to deliver.",
  "A public meeting about the plans was so busy that dozens of people had to stand in the corridor outside the hall.",
  "Some residents said they supported new homes in principle but wanted them built on brownfield land rather than green fields.",
 ],
 "environment": [
  "School pupils have adopted a stretch of the riverbank and visit it every term to record what they find.",
  "The wildlife trust said funding for the project would run out next year unless new sponsors could be found.",
  "Night-time surveys using infrared cameras have revealed badgers, foxes and even a polecat using the restored habitat.",
  "Visitors have been asked not to feed the animals and to take their litter home, as gulls and rats are attracted by scraps.",
 ],
 "courts": [
  "The court was told that the defendant had previous convictions for similar offences and had been released from prison the year before.",
  "A spokesperson for the local council said the case showed that enforcement officers would not hesitate to prosecute.",
  "Neighbours described feeling relieved that the case was finally over after months of uncertainty.",
  "Police said crime in the district had fallen overall during the past year, although some types of offence had increased.",
 ],
 "technology": [
  "Older residents said they were keen to learn but often felt rushed or embarrassed when asking family members for help.",
  "The firm was founded by two former students of the college and now employs {n2} people in a converted warehouse near the harbour.",
  "Security experts recommend that small organisations keep offline backups of important data and test them regularly.",
  "The pilot will be evaluated by researchers from the regional university, who will publish their findings next year.",
 ],
 "farming": [
  "The cooperative that buys much of the local produce said it was looking for new markets in the cities to make up for lost contracts.",
  "Vets have reminded farmers to keep up vaccinations and to watch for signs of illness as the weather changes.",
  "Farm shops in the area report growing interest from younger customers who want to know exactly where their food comes from.",
  "Many farming families now rely on a second income from holiday cottages, contracting work or jobs in town.",
 ],
 "heritage": [
  "Archive photographs show the building decorated with flags for royal visits, carnival parades and the end of both world wars.",
  "Volunteers will lead free guided tours on the first Saturday of every month, explaining how the building was used over the years.",
  "A specialist conservator spent several weeks cleaning the objects using tiny brushes and cotton swabs.",
  "The project has inspired a new local history course at the adult education centre, which has already filled all its places.",
 ],
 "energy": [
  "Energy advisers said households could save money by turning down thermostats slightly and by insulating lofts and hot water tanks.",
  "Opponents of the scheme argued that the money should have been spent on insulating older homes first.",
  "The site will be monitored remotely from a control room in the city, with engineers on call around the clock.",
  "Electricity from the project is sold to a local supplier, which offers a cheaper tariff to households living nearby.",
 ],
}
for _k, _v in EN_MORE_BODY.items():
    EN_TOPICS[_k]["body"] = EN_TOPICS[_k]["body"] + _v
# A twelfth story per topic.
EN_EXTRA2 = {
 "transit": ("Harbour ferry gets electric replacement",
   "The diesel ferry that has crossed the harbour at {town} for almost forty years will be replaced by a battery-powered vessel in {month}, the operator confirmed on {weekday}."),
 "weather": ("Spring tides and onshore winds flood harbour car park",
   "A combination of unusually high spring tides and a strong onshore wind pushed sea water into the harbour car park at {town} on {weekday}, stranding several vehicles."),
 "schools": ("Village school celebrates its {n1}th decade",
   "A small village school near {town} that opened with a single classroom and eleven pupils is celebrating its anniversary with an exhibition of photographs and old registers."),
 "festival": ("Midsummer bonfire returns to the headland",
   "The midsummer bonfire on the headland above {town} was lit on {weekday} for the first time in five years, after organisers secured permission from the landowner."),
 "science": ("Weather station on the pier records a century of data",
   "The weather station on the end of the pier at {town} has completed a hundred years of continuous records, making it one of the longest-running stations in the country."),
 "health": ("Hospital garden offers patients a place to rest",
   "A garden created by volunteers in an unused courtyard at {town} hospital opened on {weekday}, giving patients, visitors and staff a quiet place to sit outside."),
 "business": ("Bookshop reopens after flood with help from customers",
   "An independent bookshop on {street} in {town} reopened on {weekday}, three months after floodwater destroyed most of its stock and its wooden floor."),
 "sport": ("Sea swimmers brave the cold for the New Year dip",
   "Hundreds of swimmers in fancy dress ran into the sea at {town} on New Year's Day for the annual charity dip, despite a water temperature of just nine degrees."),
 "housing": ("Plans to convert old school into homes divide village",
   "A proposal to turn the former primary school in a village near {town} into {n1} homes has divided residents, some of whom want it kept as a community space."),
 "environment": ("Litter pickers find message in a bottle from across the sea",
   "Volunteers clearing litter from the beach at {town} on {weekday} found a message in a bottle that appears to have drifted across the sea from Norway."),
 "courts": ("Trader fined for selling counterfeit toys at market",
   "A market trader has been fined after trading standards officers found counterfeit toys that failed safety tests on his stall in {town}."),
 "technology": ("Open data portal puts council spending online",
   "Every payment of more than five hundred pounds made by the council in {town} can now be searched online through a new open data portal launched on {weekday}."),
 "farming": ("Cheesemaker wins international award",
   "A small dairy in the hills above {town} has won a gold medal at an international cheese competition for a washed-rind cheese made from the milk of its own herd."),
 "heritage": ("Stained glass window returned to chapel after restoration",
   "A Victorian stained glass window removed from a chapel in {town} for safekeeping has been returned and reinstalled after two years of restoration."),
 "energy": ("Solar panels on school roofs save thousands",
   "Solar panels installed on the roofs of {n1} schools in {town} last year have saved more than {smallmoney} in electricity bills, the council said on {weekday}."),
}
for _k, (_h, _l) in EN_EXTRA2.items():
    EN_EXTRA[_k].append((_h, _l))
# Additional closing sentences.
EN_MORE_ENDS = {
 "transit": ["Councillors are expected to debate the wider transport strategy for {town} at their meeting in {month}.",
             "The operator said a full report on punctuality would be published at the end of the quarter."],
 "weather": ["Residents who need help clearing debris can contact the council's emergency line.",
             "The clean-up is expected to continue for the rest of the week."],
 "schools": ["The school will hold an open evening for prospective families in {month}.",
             "A letter setting out the next steps has been sent to every family."],
 "festival": ["Organisers said early-bird tickets for next year had already started selling.",
              "Lost property can be collected from the tourist information office until the end of the month."],
 "science": ["The team plans to return to the site in {month} to repeat the measurements.",
             "A summary of the research written for non-specialists is available on the university website."],
 "health": ["Patients with questions about their appointments should contact the hospital's patient advice service.",
            "The health board said it would publish a progress report in the autumn."],
 "business": ["The chamber of commerce will discuss the issue at its next breakfast meeting.",
              "The company said further announcements about its plans would follow later in the year."],
 "sport": ["Tickets for the next match are available from the club shop and at the gate.",
           "New volunteers are always welcome, the club added."],
 "housing": ["Comments on the proposals can be submitted through the council's planning portal.",
             "Tenants with concerns about repairs are advised to keep written records of every request."],
 "environment": ["The trust is appealing for donations to continue the work next year.",
                 "Progress will be reviewed at the trust's annual meeting in {month}."],
 "courts": ["The council said it would seek to recover its legal costs.",
            "Police thanked members of the public who came forward with information."],
 "technology": ["Anyone who thinks they may have been affected should contact their bank immediately.",
                "Feedback on the new service can be left through the council's website."],
 "farming": ["The union's advice line is open on weekdays for members who need support.",
             "A full list of stallholders is published on the market's website each week."],
 "heritage": ["Volunteers interested in helping with the project can sign up at the museum desk.",
              "A book about the project is due to be published next year."],
 "energy": ["Residents can find out more at an information event at {venue} next month.",
            "The scheme will be reviewed after its first full winter of operation."],
}
for _k, _v in EN_MORE_ENDS.items():
    EN_TOPICS[_k]["ends"] = EN_TOPICS[_k]["ends"] + _v
# ---------------------------------------------------------------------------
# Long hand-written feature articles for site A.  These are the originals that
# site B syndicates, so they are long enough (~330+ words) that a copy wrapped
# in B's chrome with a small edit still scores J >= 0.85.
# ---------------------------------------------------------------------------
EN_LONG = [
dict(key="bridge",
 head="Port Calder swing bridge to reopen after two years of repairs",
 alt_head="Port Calder swing bridge set to reopen after two years of repairs",
 new_head="Harbour crossing back in action as restored bridge prepares to swing again",
 cap="The restored swing bridge over the inner harbour in Port Calder.",
 paras=[
  ["The swing bridge that links the two halves of Port Calder's inner harbour will reopen to traffic on the first Monday of next month, ending two years of detours for drivers, cyclists and pedestrians.",
   "Engineers finished the final load tests on Thursday afternoon, driving a convoy of lorries filled with gravel back and forth across the deck while sensors measured how much the steel moved."],
  ["The bridge was closed in a hurry after a routine inspection found cracks in the cast iron turning mechanism that dates from 1894.",
   "At the time, the council warned that a failure could leave the bridge stuck open, cutting off the fish market and the lifeboat station from the town centre.",
   "Instead of replacing the structure, the council chose to repair it, a decision that added months to the work but kept a landmark that appears on postcards and in the town's coat of arms."],
  ["Much of the original machinery was removed and shipped to a specialist foundry in the north, where craftsmen cast new parts using patterns taken from the old ones.",
   "The wooden deck has been replaced with recycled plastic planks that should last for decades without rotting, and new lighting has been fitted along the railings.",
   "Margaret Osei, the engineer who managed the project, said the team had found notes written in pencil by Victorian workers inside one of the gear housings."],
  ["“It was like getting a message from the people who built it,” she said. “They were worried about exactly the same things we were worried about.”",
   "The total cost rose from an original estimate of four million pounds to just over six million, largely because of the price of steel and the discovery of rotten timber piles under the water."],
  ["Traders on the harbour front said the closure had hit business hard, especially during the summer, when visitors arriving by coach often did not realise the bridge was shut.",
   "Daniel Reyes, who runs a seafood stall beside the fish market, said his takings had fallen by almost a third.",
   "“People just gave up and went home,” he said. “Hopefully we can make up for it next year.”"],
  ["The bridge will swing open for boats at fixed times each day, and a new electronic sign at each end will show when the next opening is due.",
   "A small ceremony is planned for the reopening, with the lifeboat crew leading the first procession across, followed by pupils from the harbour primary school.",
   "The council has also promised to publish a maintenance plan so that the bridge does not fall into such poor condition again."],
 ]),
dict(key="storm",
 head="Night of the storm: how the seafront held back the waves",
 alt_head="Night of the storm: how Port Calder's seafront held back the waves",
 cap="Waves crash against the new sea wall at Port Calder during the storm.",
 paras=[
  ["When the storm reached Port Calder shortly after midnight on Sunday, the waves that broke over the promenade were the highest anyone on the seafront could remember.",
   "Spray was thrown over the roofs of the guest houses on Marine Parade, and the lifeboat crew recorded gusts of more than one hundred kilometres an hour at the harbour entrance."],
  ["Yet by morning, the damage was far less severe than many residents had feared.",
   "The new sea wall, finished only last spring after years of argument about its cost and its appearance, had done exactly what its designers promised.",
   "Water that once would have poured into the streets behind the seafront was thrown back by the curved concrete face of the wall and drained away through channels beneath the promenade."],
  ["Joanna Whitlock, who has run a bed and breakfast on Marine Parade for twenty years, said she stayed awake all night watching the sea from an upstairs window.",
   "“In the big storm of 2014 we had water up to the second step of the stairs,” she said. “This time the cellar was dry. I could not believe it when I went down with a torch at six o'clock.”"],
  ["Not everywhere was so lucky.",
   "On the exposed northern edge of the town, where the old defences have not yet been replaced, shingle was hurled across the coast road and a section of railing was torn away.",
   "Two beach huts were smashed and the roof of the sailing club lost several tiles.",
   "Council crews spent Monday clearing stones and seaweed from the road, which reopened by early afternoon."],
  ["Firefighters were called to rescue a driver whose car stalled in floodwater near the railway bridge, and a family was helped from a holiday caravan that had begun to shift in the wind.",
   "Nobody was seriously hurt."],
  ["Aled Prosser, the council officer responsible for coastal protection, said the storm was the first real test of the new defences.",
   "“The design was based on the worst conditions we expect to see over the next fifty years,” he said. “Last night was not that bad, but it was close enough to give us real confidence.”"],
  ["Campaigners who opposed the wall because it blocked views of the beach from some ground-floor windows said they were relieved that homes had been protected, but they still wanted the council to plant the promised gardens along the top.",
   "The council said the planting would begin in spring, once the risk of winter storms had passed, and that the northern section of the defences would be rebuilt within three years if funding was approved."],
 ]),
dict(key="seagrass",
 head="Harbour divers find rare seahorses living in restored seagrass",
 alt_head="Harbour divers find rare seahorses thriving in restored seagrass",
 cap="A short-snouted seahorse photographed among the seagrass off Port Calder.",
 typo=("photographed", "photgraphed"),
 paras=[
  ["Volunteer divers surveying a patch of seagrass replanted off Port Calder three years ago have found a small colony of seahorses living among the leaves, a discovery that scientists say is a sign the meadow is recovering.",
   "The divers spotted at least seven short-snouted seahorses during two dives last week and photographed several of them clinging to the blades of grass with their tails."],
  ["Seahorses are rarely seen in local waters, and the last confirmed record in the bay was more than twenty years ago.",
   "They depend on dense vegetation for shelter and for the tiny shrimp they feed on, which makes them a useful indicator of a healthy habitat."],
  ["The meadow was replanted by a partnership between the regional university, a marine conservation charity and dozens of volunteers, who collected seeds by hand from a surviving meadow further along the coast.",
   "The seeds were packed into hessian bags filled with sand and lowered onto the seabed from small boats, a technique that is cheap but slow."],
  ["Dr Priya Ramanathan, the marine biologist who leads the project, said the team had hoped to see fish and crabs returning, but had not dared to expect seahorses so soon.",
   "“When the first photograph came back I thought someone was playing a joke on me,” she said. “Finding them here tells us that the meadow is already working as a nursery.”"],
  ["Seagrass once covered large areas of the bay, but much of it disappeared in the twentieth century because of disease, pollution and damage from boat anchors.",
   "Healthy meadows store large amounts of carbon in the sediment, calm the water and protect the shore from erosion, as well as providing shelter for young fish."],
  ["The project has planted around two hectares so far and hopes to reach ten within five years, depending on funding.",
   "Boat owners have been asked to use new eco-moorings that do not drag along the seabed, and a voluntary no-anchor zone has been marked with yellow buoys."],
  ["Tom Garside, a retired teacher who has volunteered as a diver since the project began, said the sighting had made the cold winter mornings on the boat worthwhile.",
   "“You spend hours on your knees on a slipway filling bags with sand, and you never quite know whether any of it will work,” he said.",
   "The exact location of the colony is being kept secret to protect the animals from disturbance, and divers have been reminded that seahorses are protected by law and must not be handled."],
 ]),
dict(key="hospital",
 head="New emergency wing at Calder General promises shorter waits",
 alt_head="New emergency wing at Calder General promises shorter waits for patients",
 cap="The entrance to the new emergency wing at Calder General Hospital.",
 paras=[
  ["Patients arriving at the emergency department in Port Calder will be treated in a new wing from next week, after a building project that doubles the number of cubicles and adds a separate area for children.",
   "The wing, built on what used to be a staff car park beside Calder General Hospital, cost eighteen million pounds and took just under two years to complete."],
  ["Hospital managers say the extra space should reduce the long queues of ambulances that have become a familiar sight outside the old department on winter evenings.",
   "Last January, some patients waited more than twelve hours on trolleys in corridors because there was nowhere else to put them."],
  ["Dr Samuel Adeyemi, the consultant who leads the emergency department, said staff had been closely involved in the design.",
   "“We asked nurses and doctors what slowed them down, and we built the department around their answers,” he said.",
   "Supplies are now stored next to every cubicle rather than in a central room, and the X-ray and scanning rooms are a few steps away instead of at the far end of the hospital."],
  ["The children's area has its own entrance and waiting room, decorated with paintings of local wildlife by pupils from schools across the district.",
   "A quiet room has been set aside for patients with dementia or autism who may find the noise and bright lights of a busy department distressing."],
  ["Health unions welcomed the new building but warned that it would not solve the underlying problem without more staff.",
   "Kathryn Ellery, a regional representative of the nurses' union, said the hospital still had dozens of vacancies and relied heavily on agency workers.",
   "“A bigger department with the same number of nurses just means the same nurses walking further,” she said."],
  ["The hospital said it had recruited forty new nurses over the past year, many of them from overseas, and was running a training programme with the local college.",
   "A new bus stop has been built at the entrance, and the hospital has promised to replace the lost parking spaces with a multi-storey car park that is due to open next summer."],
  ["The old emergency department will be converted into an assessment unit for patients who need tests but may not need to stay overnight.",
   "Managers hope that will free up beds on the wards and help patients move through the hospital more quickly, which they say is the real key to shorter waits at the front door."],
 ]),
dict(key="cannery",
 head="Old sardine cannery reborn as home for artists and makers",
 alt_head="Old sardine cannery reborn as a home for artists and makers",
 new_head="Artists move into restored waterfront cannery",
 cap="Studios on the upper floor of the converted cannery in Port Calder.",
 paras=[
  ["For almost half a century the old sardine cannery on the north quay of Port Calder stood empty, its windows broken and its roof home to a large colony of gulls.",
   "This weekend it opens its doors again, this time as a home for more than forty painters, potters, jewellers, woodworkers and other makers."],
  ["The building was bought by a charitable trust five years ago for a nominal sum, on the condition that it would be repaired and put to public use.",
   "Since then, the trust has raised more than three million pounds from heritage grants, local businesses and thousands of small donations."],
  ["Inside, the long brick halls where women once packed fish into tins have been divided into studios with large windows overlooking the harbour.",
   "Much of the original character has been kept, including iron roof trusses, a row of old cooling tanks and the faded painted sign above the main door."],
  ["Eleanor Vance, the trust's director, said rents had been set well below market rates so that young artists could afford to work in the town rather than moving to the cities.",
   "“We kept hearing from talented people who grew up here and had to leave because there was nowhere to work,” she said. “Now there is.”"],
  ["The ground floor will include a gallery, a cafe and a shop selling work by tenants, and there will be regular open days when the public can visit the studios.",
   "Workshops for schools and evening classes for adults are also planned."],
  ["Several former cannery workers were invited to a preview on Friday evening.",
   "Betty Marsh, who started work at the factory at the age of fifteen in 1961, said she barely recognised the place.",
   "“It was cold, wet and it smelled of fish all day long, but we had a lot of laughs,” she said. “I am glad it has not been knocked down.”",
   "An exhibition of photographs and oral histories from the cannery's working years is on display in the entrance hall."],
  ["Not everyone was enthusiastic about the project at first.",
   "Some residents had wanted the site to be used for housing, and others worried that the trust would not be able to cover the running costs once the grants ran out.",
   "The trust says the rents, cafe and events should make the building self-supporting within three years, and that the studios are already fully booked with a waiting list."],
 ]),
dict(key="budget",
 head="Council agrees budget after late-night row over library closures",
 alt_head="Council agrees budget after late-night row over branch library closures",
 cap="Campaigners outside the town hall before the budget meeting.",
 paras=[
  ["Port Calder council approved its budget for the coming year shortly before midnight on Wednesday, after a heated debate in which plans to close three branch libraries were dropped at the last minute.",
   "The budget includes a council tax rise of just under five percent, the maximum allowed without a local referendum, and savings of around seven million pounds."],
  ["The original proposals would have shut the libraries in Westmere, Kilnford and Ashby Cross, saving about four hundred thousand pounds a year.",
   "Hundreds of residents signed petitions against the closures, and campaigners held a read-in on the steps of the town hall before the meeting, sitting in the rain with books and flasks of tea."],
  ["After several hours of debate, the council leader, Rosalind Achterberg, announced that the libraries would stay open with shorter hours and more volunteers, paid for by cutting the budget for consultants and selling an empty office building.",
   "“We have listened, and we have found another way,” she told the chamber. “But nobody should pretend that the choices ahead of us are getting any easier.”"],
  ["Opposition councillors accused the administration of making a U-turn only because of the public pressure, and said the budget still contained cuts to street cleaning and grants for youth clubs.",
   "Gareth Lindqvist, who leads the largest opposition group, said the council had wasted months frightening residents about services that could have been protected from the start."],
  ["The council says it faces rising costs for adult social care and children's services, which together now take up more than two thirds of its spending.",
   "Energy bills for council buildings have also doubled in two years, and the cost of home-to-school transport for children with special educational needs has risen sharply."],
  ["Library campaigners said they were delighted but would be watching closely to make sure the reduced hours did not become a closure by stealth.",
   "Hannah Bellweather, a mother of three from Kilnford, said the branch there was the only warm, free place in the village where children could do homework after school.",
   "“My kids have practically grown up in that building,” she said."],
  ["The council will begin consulting on the new library opening hours next month.",
   "Residents will also be asked for their views on a longer-term plan for the town's finances, which the council leader described as the most difficult in a generation."],
 ]),
dict(key="fleet",
 head="Port Calder fishing fleet faces hard choices as quotas are cut",
 alt_head="Port Calder fishing fleet faces hard choices after quotas are cut",
 cap="Fishing boats moored in Port Calder harbour on Tuesday morning.",
 typo=("catches", "cacthes"),
 paras=[
  ["Skippers in Port Calder say some of the town's remaining fishing boats may not survive the coming year after new limits on how much cod and haddock they can land were announced on Monday.",
   "The quotas, agreed after lengthy international negotiations, cut the permitted catch of cod in local waters by around a fifth and reduce haddock by a smaller amount."],
  ["Scientists had recommended even deeper cuts, warning that stocks remain fragile after decades of overfishing and that warming seas are pushing some species further north.",
   "Fisheries officials said the final figures tried to balance the need to protect stocks with the need to keep coastal communities working."],
  ["The Port Calder fleet has shrunk from more than sixty boats in the 1980s to just fourteen today, most of them family businesses with crews of three or four.",
   "Callum Drummond, whose family has fished out of the harbour for four generations, said he was considering selling his boat."],
  ["“Fuel costs have doubled, the price we get at the market goes up and down every week, and now they tell us we can catch even less,” he said.",
   "“My son wants to take over the boat one day, but I honestly do not know what to tell him.”"],
  ["The local fishermen's association says the rules do not take enough account of what skippers are seeing at sea, where some catches of cod have been larger than for many years.",
   "Its chairwoman, Fiona MacAulay, called for more research to be done in partnership with the fleet and for a fund to help boats switch to other species such as crab and lobster."],
  ["Some boats have already made that switch, selling shellfish directly to restaurants in the region and abroad.",
   "But skippers point out that shellfish prices are also volatile and that markets overseas can close suddenly because of trade disputes or changing regulations."],
  ["The council said it would support the fleet by upgrading the fish market and the ice plant, and by promoting local seafood to visitors.",
   "A new seafood festival is planned for next summer, and the council is working with the local college on a training course to encourage young people into the industry.",
   "Fishing remains a small part of the local economy in terms of jobs, but many in the town see it as central to Port Calder's identity and history."],
 ]),
dict(key="meals",
 head="Every primary pupil in Port Calder to get free school lunches",
 alt_head="Every primary pupil in Port Calder will get free school lunches",
 cap="Pupils at lunch in the dining hall of Harbour Primary School.",
 paras=[
  ["All primary school children in Port Calder will receive a free hot lunch every school day from September, after the council agreed to extend a scheme that was previously limited to families on the lowest incomes.",
   "The change will affect around six thousand pupils in thirty-one schools and is expected to cost about three million pounds a year."],
  ["Supporters say universal free meals remove the stigma that stops some eligible families from applying, and make sure that children just above the income threshold do not go hungry.",
   "Teachers have reported a growing number of pupils arriving at school with little or no food in their lunchboxes since the rise in the cost of living."],
  ["Lucy Fernhill, head teacher of Harbour Primary School, said staff often bought food for children out of their own pockets.",
   "“A hungry child cannot learn,” she said. “This will make an enormous difference to families who are just about managing but have nothing left at the end of the month.”"],
  ["The council will pay for the scheme partly through a national grant and partly by reorganising its catering service, which will buy more ingredients from farms and fishing boats in the district.",
   "Menus are being designed with the help of a nutritionist and will include at least one vegetarian option every day."],
  ["Several schools will need new kitchen equipment or larger dining halls to cope with the extra demand.",
   "Two of the smallest village schools, which currently have no kitchen at all, will receive meals cooked at a nearby secondary school and delivered in heated containers."],
  ["Some councillors questioned whether the money would be better targeted at the families who need it most, pointing out that wealthier parents would also benefit.",
   "Others argued that the administration involved in checking eligibility would cost almost as much as simply feeding everyone."],
  ["Parents who spoke to the Ledger at the school gates were overwhelmingly positive.",
   "Marek Kowalczyk, a delivery driver with two children at Harbour Primary, said it would save his family around eighty pounds a month.",
   "“It is not just the money,” he said. “It is knowing they get one proper meal every day, whatever happens at home.”",
   "The council will review the scheme after its first full year, looking at attendance, behaviour and attainment as well as cost."],
 ]),
dict(key="lighthouse",
 head="Volunteers bring Gull Point lighthouse back to life",
 alt_head="Volunteers bring the Gull Point lighthouse back to life",
 cap="Gull Point lighthouse at dusk, with its restored lamp lit for the first time.",
 paras=[
  ["The lighthouse at Gull Point, which guided ships into Port Calder for more than a century, shone again on Saturday evening for the first time since it was switched off in 1989.",
   "Hundreds of people gathered on the cliffs to watch as the restored lamp began to turn, sending a beam across the bay while a brass band played on the grass below."],
  ["The lighthouse was decommissioned when modern navigation systems made it unnecessary, and it gradually fell into disrepair.",
   "Storms stripped paint from the tower, damp crept into the keepers' cottages and vandals smashed several windows."],
  ["A group of volunteers formed a trust to rescue the building twelve years ago, and since then they have spent thousands of hours scraping, painting, glazing and rewiring.",
   "Ivor Pengelly, a former merchant navy engineer who chairs the trust, said the hardest part had been repairing the clockwork mechanism that rotates the lens."],
  ["“Half the parts were missing and the rest were seized solid with rust,” he said. “We found drawings in an archive and made new parts one by one in a garden shed.”",
   "The great glass lens, which weighs several tonnes, was cleaned by specialists who had to work inside a tent at the top of the tower to keep out the wind."],
  ["The light will not be used for navigation, but the coastguard has agreed that it can be lit on special occasions and on one evening each month.",
   "The trust has also converted the keepers' cottages into a small museum and a holiday let, which will help pay for the upkeep of the tower."],
  ["Among the crowd on Saturday was Agnes Trewin, whose father was the last principal keeper at Gull Point.",
   "She grew up in the cottages and remembers polishing the brass on winter mornings before walking two miles to school.",
   "“I never thought I would see it lit again,” she said, wiping her eyes. “My father would have been so proud of these people.”"],
  ["Visitors will be able to climb the tower on guided tours from next month, although numbers will be limited because the spiral staircase is narrow and steep.",
   "The trust is still raising money for a new access path along the cliff and hopes to open a small cafe in the old fog signal building."],
 ]),
dict(key="halfmarathon",
 head="Record field runs the Port Calder half marathon in bright sunshine",
 alt_head="Record field runs the Port Calder half marathon in bright spring sunshine",
 cap="Runners set off from the seafront at the start of the Port Calder half marathon.",
 paras=[
  ["More than four thousand runners took part in the Port Calder half marathon on Sunday, the biggest field in the race's thirty-year history, enjoying bright sunshine and a light breeze off the sea.",
   "The course, which starts and finishes on the seafront, takes in the harbour, the old town and a long climb up to the cliffs at Gull Point before a fast descent back into town."],
  ["The men's race was won by Tobias Hartmann, a physiotherapist from the city who moved to the area last year, in a time of one hour and six minutes.",
   "He broke away from a small leading group on the climb to the lighthouse and was never caught.",
   "“I train on that hill twice a week, so I knew exactly how hard I could push,” he said after crossing the line."],
  ["The women's race was a much closer contest, with three runners separated by only a few seconds as they turned onto the promenade for the final kilometre.",
   "Local teacher Siobhan Quayle held on to win in a personal best time, and said the noise from the crowd over the last few hundred metres had carried her home."],
  ["Behind the leaders, thousands of runners raised money for charities including the lifeboat service, the children's hospice and the local food bank.",
   "Some ran in fancy dress, including a group of firefighters in full kit and a man dressed as a lighthouse, complete with a flashing lamp on his head."],
  ["Organisers said the race had raised more than three hundred thousand pounds for good causes, a new record.",
   "Race director Neil Ashworth thanked the hundreds of volunteers who staffed drinks stations, handed out medals and cleared the course afterwards."],
  ["Medical teams treated a number of runners for dehydration and minor injuries, and two people were taken to hospital as a precaution.",
   "Both were later reported to be in good condition."],
  ["Roads in the town centre were closed for most of the morning, and some residents complained on social media that they had been unable to leave their streets.",
   "The organisers said they would look again at the road closure plan for next year and improve the information sent to households along the route.",
   "Entries for next year's race open in the autumn, and the organisers expect the places to sell out within days."],
 ]),
]
# ---------------------------------------------------------------------------
# Multilingual pools (hand-written).  Same structure as EN_TOPICS.
# vi slots: {city} {p1} {p2} {thu} {n1} {n2} {n3} {pct} {year}
# zh slots: {city} {p1} {p2} {n1} {n2} {n3} {pct}
# th slots: {city} {p1} {p2} {n1} {n2} {n3} {pct}
# ---------------------------------------------------------------------------
VI_TOPICS = {}
VI_TOPICS["thoitiet"] = dict(
    heads=[
        "Mưa lớn kéo dài gây ngập nhiều tuyến phố ở {city}",
        "Bão số {n1} đổ bộ, hàng nghìn hộ dân được sơ tán",
        "Nắng nóng gay gắt, {city} ghi nhận nhiệt độ cao kỷ lục",
        "Sạt lở đất chia cắt nhiều xã miền núi phía tây {city}",
        "Nông dân {city} khẩn trương thu hoạch lúa trước mùa lũ",
        "Không khí lạnh tràn về, vùng núi {city} có nơi dưới 10 độ C",
    ],
    ledes=[
        "Mưa lớn kéo dài từ đêm {thu} đến sáng nay đã khiến hàng chục tuyến phố ở {city} ngập sâu, nhiều phương tiện chết máy giữa đường.",
        "Cơn bão số {n1} đã đổ bộ vào vùng ven biển {city} vào rạng sáng nay, buộc chính quyền địa phương sơ tán hàng nghìn hộ dân đến nơi an toàn.",
        "Nhiệt độ ngoài trời tại {city} chiều qua lên tới gần 41 độ C, mức cao nhất được ghi nhận tại trạm khí tượng này kể từ năm {year}.",
        "Mưa lớn nhiều ngày liền đã gây sạt lở nghiêm trọng tại các xã miền núi phía tây {city}, làm nhiều tuyến đường bị chia cắt hoàn toàn.",
        "Nông dân ở các huyện đồng bằng của {city} đang tranh thủ từng ngày nắng để thu hoạch lúa hè thu trước khi mùa mưa lũ đến.",
        "Một đợt không khí lạnh mạnh đang tràn xuống, khiến nhiệt độ ở vùng núi cao phía tây {city} giảm xuống dưới 10 độ C vào sáng sớm.",
    ],
    body=[
        "Theo {p1}, Phó Giám đốc Sở Nông nghiệp và Phát triển nông thôn, lực lượng chức năng đã túc trực suốt đêm để ứng phó với tình huống xấu nhất.",
        "Đài Khí tượng thủy văn khu vực cho biết lượng mưa đo được trong 24 giờ qua tại một số nơi vượt quá {n3} mi-li-mét.",
        "Nhiều người dân phải kê cao đồ đạc, dắt xe máy lên tầng hai và tích trữ nước uống, mì tôm để phòng trường hợp bị cô lập.",
        "“Nhà tôi ở đây gần ba mươi năm nhưng chưa bao giờ thấy nước lên nhanh như vậy,” {p2}, một người dân trong khu phố, chia sẻ.",
        "Lực lượng quân đội, công an và đoàn thanh niên đã được huy động để giúp người dân gia cố nhà cửa và di dời tài sản.",
        "Ngành điện cho biết khoảng {n2} nghìn khách hàng bị mất điện tạm thời do cây xanh ngã đổ làm đứt đường dây.",
        "Các trường học trên địa bàn đã cho học sinh nghỉ học để bảo đảm an toàn và sẽ thông báo lịch học lại khi thời tiết ổn định.",
        "Chính quyền địa phương khuyến cáo người dân không ra khơi, không đi qua các ngầm tràn và tránh xa những khu vực có nguy cơ sạt lở.",
        "Theo các chuyên gia, biến đổi khí hậu khiến những đợt thời tiết cực đoan như thế này ngày càng xuất hiện thường xuyên hơn ở miền Trung.",
        "Hàng trăm héc-ta lúa và hoa màu đã bị ảnh hưởng, thiệt hại ban đầu ước tính lên tới hàng chục tỷ đồng.",
        "{p1} cho biết tỉnh đã chuẩn bị sẵn lương thực, thuốc men và xuồng cứu hộ tại các điểm xung yếu.",
        "Trên các tuyến quốc lộ, cảnh sát giao thông phải phân luồng, hướng dẫn xe cộ đi đường vòng để tránh những đoạn nguy hiểm.",
        "Nhiều hộ kinh doanh nhỏ cho biết họ đã mất gần như toàn bộ hàng hóa chỉ sau một đêm và chưa biết xoay xở thế nào.",
        "Cơ quan khí tượng dự báo trong hai ngày tới thời tiết sẽ dần cải thiện, nhưng vẫn có mưa rào và dông rải rác vào chiều tối.",
    ],
    ends=[
        "Người dân có thể theo dõi thông tin cảnh báo mới nhất trên trang điện tử của đài khí tượng và các kênh truyền hình địa phương.",
        "Công tác khắc phục hậu quả dự kiến sẽ còn kéo dài trong nhiều ngày tới.",
        "Chính quyền đề nghị người dân thường xuyên theo dõi bản tin thời tiết và tuyệt đối không chủ quan.",
    ],
    caps=[
        "Người dân {city} dắt xe máy qua đoạn đường ngập sâu sáng {thu}.",
        "Lực lượng cứu hộ giúp người dân di dời đồ đạc đến nơi an toàn.",
    ],
)
VI_TOPICS["lehoi"] = dict(
    heads=[
        "Lễ hội đèn lồng thu hút hàng vạn du khách đến {city}",
        "Lễ hội cầu ngư đầu năm diễn ra sôi nổi ở làng biển {city}",
        "Hội đua thuyền truyền thống trở lại sau {n1} năm gián đoạn",
        "Liên hoan ẩm thực đường phố lần đầu tổ chức tại {city}",
        "Lễ hội hoa xuân khai mạc tại công viên trung tâm {city}",
        "Làng gốm ven {city} mở cửa đón khách dịp lễ hội",
    ],
    ledes=[
        "Tối {thu}, hàng vạn người dân và du khách đã đổ về khu phố cổ của {city} để tham dự lễ hội đèn lồng, sự kiện văn hóa lớn nhất trong năm.",
        "Sáng nay, ngư dân một làng biển ở {city} đã long trọng tổ chức lễ hội cầu ngư, cầu mong một năm trời yên biển lặng, tôm cá đầy khoang.",
        "Sau {n1} năm gián đoạn, hội đua thuyền truyền thống trên sông đã chính thức trở lại, thu hút hàng nghìn người dân hai bên bờ đến cổ vũ.",
        "Liên hoan ẩm thực đường phố lần đầu tiên được tổ chức tại {city} với hơn {n3} gian hàng giới thiệu các món ăn đặc sản của ba miền.",
        "Lễ hội hoa xuân vừa khai mạc tại công viên trung tâm {city}, trưng bày hàng chục nghìn chậu hoa và cây cảnh từ nhiều địa phương.",
        "Nhân dịp lễ hội, một làng gốm lâu đời ở ngoại ô {city} đã mở cửa các lò nung để du khách tự tay nặn và vẽ sản phẩm của riêng mình.",
    ],
    body=[
        "Theo {p1}, Trưởng ban tổ chức, lễ hội năm nay được chuẩn bị trong gần ba tháng với sự tham gia của hàng trăm tình nguyện viên.",
        "Ngay từ chiều, các tuyến phố dẫn vào khu vực trung tâm đã chật kín người, nhiều gia đình đưa cả con nhỏ và ông bà cùng đi.",
        "“Năm nào tôi cũng về quê dịp này, vì đây là lúc cả làng sum họp đông đủ nhất,” {p2} nói.",
        "Bên cạnh các nghi lễ truyền thống, ban tổ chức còn bố trí nhiều hoạt động vui chơi, trò chơi dân gian và biểu diễn nghệ thuật.",
        "Các nghệ nhân lớn tuổi đã hướng dẫn lớp trẻ cách thực hiện từng nghi thức để truyền thống của cha ông không bị mai một.",
        "Lực lượng chức năng đã phân luồng giao thông và bố trí nhiều bãi giữ xe miễn phí để phục vụ người dân và du khách.",
        "Nhiều khách sạn và nhà nghỉ trong thành phố cho biết lượng khách đặt phòng dịp này tăng khoảng {pct} phần trăm so với năm ngoái.",
        "Theo các nhà nghiên cứu văn hóa, lễ hội đã có lịch sử hàng trăm năm và gắn liền với đời sống tinh thần của cư dân địa phương.",
        "Ban tổ chức đặc biệt chú trọng vệ sinh môi trường, hạn chế sử dụng đồ nhựa dùng một lần tại các gian hàng.",
        "{p1} cho biết thành phố mong muốn đưa lễ hội trở thành sản phẩm du lịch đặc trưng, thu hút thêm du khách quốc tế.",
        "Không ít du khách nước ngoài tỏ ra thích thú khi được mặc áo dài, thả đèn hoa đăng và thưởng thức các món ăn dân dã.",
        "Các tiểu thương cho biết doanh thu trong mấy ngày lễ hội cao gấp nhiều lần so với ngày thường.",
        "{p2} cho hay đây là lần đầu tiên được chứng kiến một lễ hội có quy mô lớn và không khí vui tươi đến vậy.",
        "Kinh phí tổ chức lễ hội chủ yếu được vận động từ sự đóng góp của các doanh nghiệp và người dân địa phương.",
    ],
    ends=[
        "Lễ hội sẽ kéo dài đến hết ngày chủ nhật với nhiều chương trình đặc sắc.",
        "Ban tổ chức cho biết sẽ rút kinh nghiệm để tổ chức lễ hội năm sau với quy mô lớn hơn.",
        "Lịch trình chi tiết các hoạt động được đăng tải trên cổng thông tin điện tử của thành phố.",
    ],
    caps=[
        "Du khách thả đèn hoa đăng trong đêm lễ hội tại {city}.",
        "Các đội thuyền tranh tài trên sông chiều {thu}.",
    ],
)
VI_TOPICS["giaothong"] = dict(
    heads=[
        "Khởi công cầu vượt sông nối hai bờ {city}",
        "Tuyến xe buýt điện đầu tiên của {city} chính thức vận hành",
        "Dự án mở rộng sân bay {city} chậm tiến độ vì vướng mặt bằng",
        "Cao tốc ven biển qua {city} thông xe đoạn đầu tiên",
        "{city} thí điểm làn đường riêng cho xe đạp",
        "Ga đường sắt {city} được cải tạo sau nhiều năm xuống cấp",
    ],
    ledes=[
        "Sáng {thu}, {city} đã khởi công xây dựng cây cầu vượt sông dài hơn {n3} mét, kỳ vọng giảm tải cho các cây cầu hiện hữu vốn thường xuyên ùn tắc.",
        "Tuyến xe buýt điện đầu tiên của {city} đã chính thức đi vào hoạt động, kết nối trung tâm thành phố với khu đô thị mới ở phía nam.",
        "Dự án mở rộng nhà ga hành khách của sân bay {city} đang chậm tiến độ nhiều tháng do công tác giải phóng mặt bằng gặp khó khăn.",
        "Đoạn đầu tiên của tuyến cao tốc ven biển đi qua {city} đã được thông xe, rút ngắn đáng kể thời gian di chuyển giữa các huyện.",
        "{city} vừa triển khai thí điểm làn đường dành riêng cho xe đạp trên một số tuyến phố trung tâm nhằm khuyến khích người dân đi lại xanh hơn.",
        "Sau nhiều năm xuống cấp, nhà ga đường sắt {city} đã được cải tạo toàn diện với phòng chờ mới, mái che và lối đi cho người khuyết tật.",
    ],
    body=[
        "Theo {p1}, Giám đốc Sở Giao thông vận tải, dự án có tổng mức đầu tư khoảng {n3} tỷ đồng, chủ yếu từ ngân sách địa phương.",
        "Công trình được kỳ vọng sẽ góp phần giải quyết tình trạng ùn tắc vào giờ cao điểm, vốn ngày càng trở nên nghiêm trọng.",
        "“Trước đây tôi mất gần một tiếng để đi làm mỗi sáng, giờ thì chỉ còn khoảng hai mươi phút,” {p2}, một nhân viên văn phòng, cho biết.",
        "Nhiều hộ dân trong vùng dự án đã đồng ý nhận tiền bồi thường và chuyển đến khu tái định cư mới được xây dựng gần đó.",
        "Tuy nhiên, một số hộ vẫn chưa đồng thuận với mức giá đền bù, khiến việc bàn giao mặt bằng bị kéo dài.",
        "Các chuyên gia giao thông cho rằng thành phố cần đầu tư mạnh hơn vào phương tiện công cộng thay vì chỉ mở rộng đường cho ô tô.",
        "Đơn vị thi công cam kết bảo đảm an toàn lao động và hạn chế tối đa bụi bẩn, tiếng ồn ảnh hưởng đến người dân xung quanh.",
        "Giá vé được giữ ở mức thấp, trong khi học sinh, sinh viên và người cao tuổi được giảm giá hoặc miễn phí hoàn toàn.",
        "{p1} cho biết thành phố đặt mục tiêu hoàn thành công trình trước cuối năm sau để sớm đưa vào khai thác.",
        "Trong thời gian thi công, một số tuyến đường lân cận sẽ bị rào chắn, người dân được khuyến cáo lựa chọn lộ trình khác.",
        "Theo khảo sát của thành phố, khoảng {pct} phần trăm người được hỏi sẵn sàng chuyển sang dùng phương tiện công cộng nếu dịch vụ được cải thiện.",
        "Các doanh nghiệp vận tải cho biết lượng hàng hóa lưu thông qua khu vực đã tăng mạnh trong những năm gần đây.",
        "{p2} bày tỏ hy vọng công trình sẽ giúp việc buôn bán của gia đình thuận lợi hơn khi khách từ nơi khác đến dễ dàng hơn.",
        "Hệ thống camera giám sát và biển báo điện tử cũng được lắp đặt dọc tuyến để nâng cao an toàn giao thông.",
    ],
    ends=[
        "Dự kiến công trình sẽ được đưa vào sử dụng trong năm tới.",
        "Sở Giao thông vận tải cho biết sẽ tiếp tục lắng nghe ý kiến của người dân trong quá trình triển khai.",
        "Người dân có thể gửi góp ý về dự án qua đường dây nóng của thành phố.",
    ],
    caps=[
        "Công nhân làm việc trên công trường ở {city}.",
        "Hành khách lên xe buýt tại một trạm dừng ở trung tâm {city}.",
    ],
)

ZH_TOPICS = {}
ZH_TOPICS["tianqi"] = dict(
    heads=[
        "{city}遭遇入汛以来最强降雨",
        "台风逼近，{city}紧急转移沿海群众",
        "持续高温，{city}发布今年首个红色预警",
        "寒潮来袭，{city}气温一夜骤降十余度",
        "大雾导致{city}多条高速公路临时封闭",
        "干旱持续，{city}郊区农田灌溉告急",
    ],
    ledes=[
        "受强对流天气影响，{city}昨天出现入汛以来最强降雨，部分地区一小时降雨量超过{n2}毫米，多条道路出现积水。",
        "今年第{n1}号台风正向东南沿海逼近，{city}已连夜组织沿海低洼地区的数千名群众转移到安全地带。",
        "{city}气象台今天上午发布今年首个高温红色预警，预计午后最高气温将达到四十摄氏度以上。",
        "受强冷空气影响，{city}气温在一夜之间下降了十多度，不少市民早上出门时赶紧换上了厚外套。",
        "今天凌晨，{city}及周边地区出现大范围浓雾，部分路段能见度不足五十米，多条高速公路入口临时封闭。",
        "{city}郊区已经连续{n2}天没有出现有效降雨，不少农田开始干裂，农民们正想方设法抽水灌溉。",
    ],
    body=[
        "据{city}气象台首席预报员{p1}介绍，此次天气过程影响范围广、持续时间长，市民应提前做好防范。",
        "记者在市区看到，不少路口的积水没过了车轮，环卫工人正在冒雨疏通排水口。",
        "“我在这里住了二十多年，很少见到这样的天气。”家住老城区的{p2}说。",
        "交通部门提醒，恶劣天气下路面湿滑，驾驶员应当减速慢行，保持安全车距。",
        "全市已经启动应急响应，各区抢险队伍二十四小时待命，随时准备处置突发情况。",
        "受天气影响，{city}机场当天共有{n2}个航班延误或者取消，大批旅客滞留候机楼。",
        "专家表示，近年来极端天气事件明显增多，这与全球气候变暖有一定关系。",
        "电力部门连夜抢修因大风受损的线路，截至今天中午，大部分用户已经恢复供电。",
        "教育部门通知，中小学和幼儿园暂停户外活动，必要时可以调整上课时间。",
        "{p1}提醒，老人、儿童和患有慢性病的人群要特别注意身体，尽量减少外出。",
        "农业部门组织技术人员深入田间地头，指导农户做好农作物的防护工作。",
        "不少市民在社交媒体上分享了窗外的天气照片，相关话题的阅读量迅速上升。",
        "气象部门预计，这种天气还将持续两到三天，周末以后才会逐步好转。",
        "{p2}表示，家里已经提前准备好了饮用水、食物和应急灯，以防万一。",
    ],
    ends=[
        "气象部门将根据天气变化及时发布最新的预警信息。",
        "市民可以通过天气预报和官方平台了解最新情况。",
        "有关部门提醒大家密切关注天气变化，合理安排出行。",
    ],
    caps=[
        "{city}街头，市民撑伞在雨中出行。",
        "抢险人员在积水路段疏导交通。",
    ],
)
ZH_TOPICS["jiaotong"] = dict(
    heads=[
        "{city}地铁{n1}号线开通试运营",
        "{city}跨江大桥主体工程顺利合龙",
        "城际铁路开通，{city}到省城只需半小时",
        "{city}新增{n2}条公交线路方便市民出行",
        "共享单车停放难，{city}出台管理新规",
        "{city}老火车站完成改造重新启用",
    ],
    ledes=[
        "{city}地铁{n1}号线今天上午正式开通试运营，线路全长约{n2}公里，将城市东西两端连接了起来。",
        "经过近三年的建设，{city}跨江大桥主体工程今天顺利合龙，预计明年年底前建成通车。",
        "连接{city}与省城的城际铁路今天正式开通，两地之间的最短旅行时间缩短到半小时左右。",
        "为了方便市民出行，{city}公交集团从下月起新增{n2}条公交线路，重点覆盖新建小区和产业园区。",
        "针对共享单车乱停乱放的问题，{city}出台新规，要求运营企业在规定区域内设置电子围栏。",
        "经过一年多的改造，{city}老火车站近日重新启用，候车大厅的面积比原来扩大了一倍。",
    ],
    body=[
        "据{city}交通运输局局长{p1}介绍，项目总投资约{n3}亿元，是今年全市重点建设工程之一。",
        "开通当天，不少市民专程前来体验，车厢里十分热闹，有人还拿出手机拍照留念。",
        "“以前上下班要换两趟公交车，现在二十分钟就到了。”在附近上班的{p2}说。",
        "为了减少施工对周边居民的影响，施工单位采取了降噪和防尘措施，并尽量避开夜间作业。",
        "专家认为，完善的公共交通网络有助于缓解城市拥堵，也能减少汽车尾气排放。",
        "新线路沿途经过多所学校、医院和大型商场，预计日均客流量将超过{n2}万人次。",
        "运营方表示，开通初期将适当延长发车间隔，等运行稳定以后再逐步加密班次。",
        "{p1}表示，下一步将加快推进其他在建项目，争取早日形成覆盖全市的交通网络。",
        "部分市民反映，站点周边的停车位不足，希望有关部门尽快完善配套设施。",
        "车站内设有无障碍电梯、母婴室和自助售票机，老年人凭有效证件可以免费乘车。",
        "据统计，去年全市公共交通的客运量比前年增长了百分之{pct}。",
        "{p2}说，希望今后能有更多线路通到郊区，让周末出游更加方便。",
        "工程建设过程中共有{n3}多名工人参与施工，克服了地质条件复杂等多种困难。",
        "交通部门还将通过手机应用实时发布车辆到站信息，方便乘客合理安排时间。",
    ],
    ends=[
        "有关部门表示，将根据乘客的反馈不断优化运营服务。",
        "具体的运营时间和票价可以通过官方网站查询。",
        "该项目的配套工程预计将在年底前全面完工。",
    ],
    caps=[
        "乘客在{city}地铁站内候车。",
        "施工人员在大桥上进行作业。",
    ],
)
ZH_TOPICS["kexue"] = dict(
    heads=[
        "{city}天文爱好者拍到罕见火流星",
        "考古人员在{city}郊区发现千年古墓群",
        "科研团队在{city}山区发现兰科植物新物种",
        "{city}高校研制出新型可降解塑料",
        "{city}中学生发明自动节水灌溉装置",
        "{city}附近海域首次记录到中华白海豚群",
    ],
    ledes=[
        "前天晚上，{city}多名天文爱好者拍到一颗明亮的火流星划过夜空，整个过程持续了大约{n1}秒。",
        "在配合基本建设的考古发掘中，考古人员在{city}郊区发现一处古墓群，初步判断距今已有一千多年。",
        "一支由{city}高校和科研院所组成的研究团队，在当地山区发现了一种此前从未被记录过的兰科植物。",
        "{city}一所大学的研究团队近日研制出一种新型可降解塑料，在自然环境中几个月内就能完全分解。",
        "{city}一所中学的科技小组发明了一种根据土壤湿度自动浇水的装置，在全国青少年科技创新大赛中获奖。",
        "海洋科研人员近日在{city}附近海域首次记录到一群中华白海豚，数量大约有{n2}头。",
    ],
    body=[
        "项目负责人{p1}告诉记者，这项研究前后持续了将近五年，团队成员跑遍了周边的大部分地区。",
        "“第一次看到数据的时候，我们都不敢相信自己的眼睛。”参与研究的{p2}说。",
        "相关研究成果已经发表在国际学术期刊上，引起了国内外同行的广泛关注。",
        "专家指出，这一发现为研究当地的生态环境和历史变迁提供了珍贵的资料。",
        "目前，研究团队已经采集了大量样本，并将在实验室中开展进一步的分析。",
        "{p1}表示，下一步将与更多科研机构合作，争取早日把成果应用到实际生产中。",
        "为了保护现场，有关部门已经设立了警戒区域，禁止无关人员进入。",
        "这项研究得到了国家自然科学基金的资助，总经费约为{n3}万元。",
        "不少市民在网上留言，希望将来有机会近距离参观相关的展品。",
        "研究人员提醒公众，如果在野外发现类似情况，应当及时向有关部门报告，不要擅自采集。",
        "据了解，类似的发现在国内还比较少见，具有很高的科学价值。",
        "{p2}说，团队中有不少年轻人，他们常常在野外一待就是好几天。",
        "当地博物馆计划在明年举办专题展览，向公众详细介绍这一发现。",
        "科研人员还利用无人机和卫星数据，对周边地区进行了详细的调查和记录。",
    ],
    ends=[
        "相关研究工作目前仍在进行中。",
        "研究团队表示，将继续跟踪观察，并及时公布新的成果。",
        "感兴趣的市民可以关注博物馆的官方网站了解更多信息。",
    ],
    caps=[
        "研究人员在{city}野外进行考察。",
        "科研团队成员在实验室中分析样本。",
    ],
)

TH_TOPICS = {}
TH_TOPICS["akat"] = dict(
    heads=[
        "ฝนตกหนักต่อเนื่อง น้ำท่วมหลายชุมชนใน{city}",
        "พายุฤดูร้อนถล่ม บ้านเรือนใน{city}เสียหายกว่า {n3} หลัง",
        "อากาศร้อนจัด {city}อุณหภูมิพุ่งเกิน 42 องศา",
        "หมอกควันปกคลุม{city} ค่าฝุ่นเกินมาตรฐานหลายวันติด",
        "ภัยแล้งรุนแรง เกษตรกร{city}ขาดน้ำทำนา",
        "อากาศหนาวจัด ยอดดอยใน{city}เกิดน้ำค้างแข็ง",
    ],
    ledes=[
        "ฝนที่ตกหนักต่อเนื่องมาตั้งแต่เมื่อคืนวันศุกร์ ทำให้น้ำท่วมขังหลายชุมชนในเขตเทศบาล{city} ประชาชนต้องขนย้ายข้าวของขึ้นที่สูง",
        "พายุฤดูร้อนที่พัดผ่าน{city}เมื่อช่วงเย็นวานนี้ ทำให้บ้านเรือนประชาชนได้รับความเสียหายกว่า {n3} หลัง ต้นไม้และเสาไฟฟ้าหักโค่นหลายจุด",
        "กรมอุตุนิยมวิทยารายงานว่า อุณหภูมิสูงสุดที่{city}เมื่อวานนี้อยู่ที่ 42 องศาเซลเซียส ซึ่งเป็นค่าที่สูงที่สุดของปีนี้",
        "สถานการณ์หมอกควันใน{city}ยังคงน่าเป็นห่วง ค่าฝุ่นละอองขนาดเล็กเกินมาตรฐานติดต่อกันมาแล้ว {n1} วัน",
        "เกษตรกรในหลายอำเภอของ{city}กำลังประสบปัญหาภัยแล้ง น้ำในอ่างเก็บน้ำเหลือเพียงร้อยละ {pct} ของความจุ",
        "อุณหภูมิบนยอดดอยใน{city}ลดลงต่ำกว่าศูนย์องศาเมื่อเช้าวันนี้ ทำให้เกิดน้ำค้างแข็งเกาะตามยอดหญ้า นักท่องเที่ยวพากันขึ้นไปชมจำนวนมาก",
    ],
    body=[
        "{p1} ผู้ว่าราชการจังหวัด เปิดเผยว่า ได้สั่งการให้ทุกหน่วยงานเตรียมพร้อมรับมือและให้ความช่วยเหลือประชาชนอย่างเร่งด่วน",
        "เจ้าหน้าที่ป้องกันและบรรเทาสาธารณภัยได้นำเครื่องสูบน้ำและกระสอบทรายไปติดตั้งในพื้นที่เสี่ยง",
        "“อยู่ที่นี่มาเกือบสามสิบปี ไม่เคยเห็นสถานการณ์แบบนี้มาก่อนเลย” {p2} ชาวบ้านในพื้นที่ กล่าว",
        "กรมอุตุนิยมวิทยาคาดการณ์ว่า สภาพอากาศในลักษณะนี้จะยังคงต่อเนื่องไปอีกสองถึงสามวัน",
        "โรงเรียนหลายแห่งในพื้นที่ได้ประกาศหยุดการเรียนการสอนชั่วคราวเพื่อความปลอดภัยของนักเรียน",
        "การไฟฟ้าส่วนภูมิภาคได้ส่งเจ้าหน้าที่เข้าซ่อมแซมระบบไฟฟ้า คาดว่าจะกลับมาใช้งานได้ตามปกติภายในวันนี้",
        "แพทย์แนะนำให้ผู้สูงอายุ เด็กเล็ก และผู้ที่มีโรคประจำตัว หลีกเลี่ยงการทำกิจกรรมกลางแจ้งเป็นเวลานาน",
        "นักวิชาการด้านสิ่งแวดล้อมระบุว่า การเปลี่ยนแปลงสภาพภูมิอากาศทำให้เกิดสภาพอากาศสุดขั้วบ่อยครั้งขึ้น",
        "พื้นที่การเกษตรได้รับความเสียหายแล้วกว่า {n3} ไร่ ส่วนใหญ่เป็นนาข้าวและสวนผลไม้",
        "{p1} กล่าวเพิ่มเติมว่า จังหวัดได้จัดเตรียมงบประมาณฉุกเฉินไว้สำหรับช่วยเหลือผู้ได้รับผลกระทบแล้ว",
        "ชาวบ้านหลายครอบครัวต้องอพยพไปพักอาศัยที่ศูนย์พักพิงชั่วคราวซึ่งตั้งอยู่ในวัดและโรงเรียน",
        "อาสาสมัครจากหลายองค์กรได้ร่วมกันแจกจ่ายอาหาร น้ำดื่ม และยารักษาโรคให้แก่ผู้ประสบภัย",
        "{p2} บอกว่า ครอบครัวได้เตรียมเสบียงอาหารและน้ำดื่มไว้ล่วงหน้าแล้ว เพราะกังวลว่าสถานการณ์อาจรุนแรงขึ้น",
        "เจ้าหน้าที่ขอให้ประชาชนติดตามข่าวสารจากหน่วยงานราชการอย่างใกล้ชิดและอย่าหลงเชื่อข่าวลือ",
    ],
    ends=[
        "ประชาชนที่ต้องการความช่วยเหลือสามารถติดต่อสายด่วนของจังหวัดได้ตลอด 24 ชั่วโมง",
        "หน่วยงานที่เกี่ยวข้องจะประเมินความเสียหายและรายงานให้ทราบอีกครั้ง",
        "กรมอุตุนิยมวิทยาจะออกประกาศเตือนภัยฉบับใหม่ในวันพรุ่งนี้",
    ],
    caps=[
        "ชาวบ้านใน{city}ขนย้ายข้าวของหนีน้ำ",
        "เจ้าหน้าที่ช่วยเหลือผู้ประสบภัยในพื้นที่",
    ],
)
TH_TOPICS["thetsakan"] = dict(
    heads=[
        "ประเพณีลอยกระทงที่{city}คึกคักตลอดทั้งคืน",
        "งานบุญบั้งไฟ{city}ยิ่งใหญ่ นักท่องเที่ยวแน่นเมือง",
        "สงกรานต์{city}ปีนี้เน้นอนุรักษ์ประเพณีดั้งเดิม",
        "เทศกาลอาหารพื้นเมือง{city}ดึงดูดผู้คนนับหมื่น",
        "งานแห่เทียนพรรษา{city}งดงามอลังการ",
        "เทศกาลดอกไม้บานที่{city} เปิดให้ชมฟรีตลอดเดือน",
    ],
    ledes=[
        "ประชาชนและนักท่องเที่ยวหลายหมื่นคนพากันมาลอยกระทงริมแม่น้ำที่{city}เมื่อคืนที่ผ่านมา บรรยากาศเป็นไปอย่างคึกคักจนถึงเช้า",
        "งานบุญบั้งไฟประจำปีของ{city}เริ่มขึ้นแล้วอย่างยิ่งใหญ่ มีบั้งไฟจากชุมชนต่าง ๆ เข้าร่วมกว่า {n3} บั้ง",
        "เทศบาล{city}จัดงานสงกรานต์ปีนี้ภายใต้แนวคิดอนุรักษ์ประเพณีดั้งเดิม เน้นการรดน้ำดำหัวผู้สูงอายุและการสรงน้ำพระ",
        "เทศกาลอาหารพื้นเมืองของ{city}ที่จัดขึ้นเป็นครั้งแรก ได้รับความสนใจจากผู้คนนับหมื่นตลอดสามวันของการจัดงาน",
        "ขบวนแห่เทียนพรรษาของ{city}ปีนี้มีต้นเทียนจากวัดต่าง ๆ เข้าร่วมกว่า {n2} ต้น แต่ละต้นแกะสลักลวดลายอย่างประณีต",
        "สวนสาธารณะกลางเมือง{city}เปิดเทศกาลดอกไม้บานประจำปี ให้ประชาชนเข้าชมฟรีตลอดทั้งเดือน",
    ],
    body=[
        "{p1} นายกเทศมนตรี เปิดเผยว่า การจัดงานปีนี้ได้รับความร่วมมือเป็นอย่างดีจากชุมชน วัด และภาคเอกชน",
        "ตั้งแต่ช่วงบ่าย ถนนสายหลักที่มุ่งหน้าสู่บริเวณงานเต็มไปด้วยรถและผู้คนที่ทยอยเดินทางมา",
        "“มาเที่ยวงานนี้ทุกปี เพราะเป็นช่วงเวลาที่ครอบครัวได้อยู่พร้อมหน้ากัน” {p2} กล่าว",
        "ภายในงานมีการแสดงศิลปวัฒนธรรมพื้นบ้าน การประกวดต่าง ๆ และตลาดสินค้าชุมชนให้เลือกซื้อ",
        "ผู้สูงอายุในชุมชนได้ถ่ายทอดความรู้เรื่องประเพณีให้แก่เยาวชน เพื่อไม่ให้วัฒนธรรมสูญหายไป",
        "เจ้าหน้าที่ตำรวจได้จัดกำลังดูแลความปลอดภัยและอำนวยความสะดวกด้านการจราจรตลอดการจัดงาน",
        "ผู้ประกอบการโรงแรมและที่พักระบุว่า ห้องพักในช่วงเทศกาลถูกจองเต็มเกือบทั้งหมดล่วงหน้าหลายสัปดาห์",
        "นักวิชาการด้านวัฒนธรรมอธิบายว่า ประเพณีนี้มีประวัติยาวนานหลายร้อยปีและผูกพันกับวิถีชีวิตของคนในท้องถิ่น",
        "ผู้จัดงานรณรงค์ให้ผู้มาเที่ยวงานลดการใช้พลาสติก และแยกขยะก่อนทิ้งทุกครั้ง",
        "{p1} กล่าวว่า จังหวัดตั้งเป้าให้งานนี้เป็นจุดหมายสำคัญของนักท่องเที่ยวทั้งชาวไทยและชาวต่างชาติ",
        "นักท่องเที่ยวต่างชาติหลายคนสนใจแต่งกายด้วยชุดพื้นเมืองและร่วมกิจกรรมอย่างสนุกสนาน",
        "พ่อค้าแม่ค้าในตลาดบอกว่า ยอดขายในช่วงเทศกาลสูงกว่าช่วงปกติหลายเท่าตัว",
        "{p2} เล่าว่า นี่เป็นครั้งแรกที่ได้มาร่วมงานและรู้สึกประทับใจในความมีน้ำใจของคนในพื้นที่",
        "คาดว่าการจัดงานครั้งนี้จะสร้างรายได้หมุนเวียนให้กับเศรษฐกิจท้องถิ่นไม่ต่ำกว่า {n3} ล้านบาท",
    ],
    ends=[
        "งานจะจัดต่อเนื่องไปจนถึงวันอาทิตย์นี้ โดยมีการแสดงพิเศษทุกคืน",
        "ผู้จัดงานขอบคุณทุกฝ่ายที่ร่วมมือกันทำให้งานผ่านไปด้วยความเรียบร้อย",
        "ผู้สนใจสามารถติดตามรายละเอียดกำหนดการได้ทางเพจของเทศบาล",
    ],
    caps=[
        "ผู้คนร่วมงานเทศกาลที่{city}อย่างคึกคัก",
        "ขบวนแห่เคลื่อนผ่านถนนสายหลักของเมือง",
    ],
)
TH_TOPICS["khamanakhom"] = dict(
    heads=[
        "รถไฟทางคู่ช่วงผ่าน{city} เปิดให้บริการแล้ว",
        "{city}เริ่มทดลองเดินรถเมล์ไฟฟ้า",
        "สะพานข้ามแม่น้ำแห่งใหม่ใน{city}ใกล้แล้วเสร็จ",
        "ขยายสนามบิน{city} รองรับผู้โดยสารเพิ่มขึ้น",
        "ถนนเลี่ยงเมือง{city}เปิดใช้ ช่วยลดรถติดในเขตเมือง",
        "{city}ปรับปรุงทางเท้าและเลนจักรยานในย่านเมืองเก่า",
    ],
    ledes=[
        "การรถไฟแห่งประเทศไทยเปิดให้บริการรถไฟทางคู่ช่วงที่ผ่าน{city}อย่างเป็นทางการแล้ว ช่วยลดเวลาการเดินทางลงได้เกือบครึ่ง",
        "{city}เริ่มทดลองเดินรถโดยสารประจำทางพลังงานไฟฟ้าจำนวน {n2} คัน ในเส้นทางที่เชื่อมระหว่างสถานีขนส่งกับมหาวิทยาลัย",
        "การก่อสร้างสะพานข้ามแม่น้ำแห่งใหม่ใน{city}คืบหน้าไปแล้วกว่าร้อยละ 90 คาดว่าจะเปิดใช้งานได้ภายในสิ้นปีนี้",
        "กรมท่าอากาศยานเตรียมขยายอาคารผู้โดยสารของสนามบิน{city} เพื่อรองรับจำนวนผู้โดยสารที่เพิ่มขึ้นอย่างต่อเนื่อง",
        "ถนนเลี่ยงเมือง{city}ระยะทางกว่า {n2} กิโลเมตร เปิดให้ใช้งานแล้ว ช่วยให้รถบรรทุกไม่ต้องวิ่งผ่านใจกลางเมือง",
        "เทศบาล{city}เริ่มโครงการปรับปรุงทางเท้าและสร้างเลนจักรยานในย่านเมืองเก่า เพื่อส่งเสริมการเดินทางที่เป็นมิตรกับสิ่งแวดล้อม",
    ],
    body=[
        "{p1} ผู้อำนวยการโครงการ เปิดเผยว่า โครงการนี้ใช้งบประมาณทั้งสิ้นประมาณ {n3} ล้านบาท",
        "ชาวบ้านที่อาศัยอยู่ริมเส้นทางต่างแสดงความยินดี เพราะรอคอยโครงการนี้มานานหลายปี",
        "“เมื่อก่อนต้องใช้เวลาเดินทางเกือบชั่วโมง ตอนนี้เหลือไม่ถึงยี่สิบนาที” {p2} ซึ่งเดินทางไปทำงานทุกวัน กล่าว",
        "ผู้เชี่ยวชาญด้านการขนส่งเห็นว่า การลงทุนในระบบขนส่งสาธารณะจะช่วยลดปัญหาการจราจรติดขัดได้ในระยะยาว",
        "ระหว่างการก่อสร้าง เจ้าหน้าที่ได้ติดตั้งป้ายเตือนและจัดเส้นทางเลี่ยงเพื่อความปลอดภัยของผู้ใช้รถใช้ถนน",
        "ผู้ประกอบการร้านค้าบางรายกังวลว่า งานก่อสร้างที่ยืดเยื้อจะทำให้ลูกค้าลดลง",
        "ค่าโดยสารถูกกำหนดไว้ในอัตราที่ประชาชนทั่วไปสามารถจ่ายได้ และมีส่วนลดสำหรับนักเรียนและผู้สูงอายุ",
        "{p1} ยืนยันว่า ผู้รับเหมาจะเร่งดำเนินการให้แล้วเสร็จตามกำหนด โดยคำนึงถึงความปลอดภัยเป็นสำคัญ",
        "จากการสำรวจพบว่า ประชาชนร้อยละ {pct} ยินดีเปลี่ยนมาใช้ระบบขนส่งสาธารณะหากมีบริการที่สะดวกและตรงเวลา",
        "โครงการนี้ยังช่วยกระตุ้นการท่องเที่ยว เพราะนักท่องเที่ยวสามารถเดินทางเข้าเมืองได้ง่ายขึ้น",
        "ภายในสถานีมีลิฟต์ ทางลาด และห้องน้ำสำหรับผู้พิการ เพื่อให้ทุกคนใช้บริการได้อย่างสะดวก",
        "{p2} กล่าวว่า อยากให้มีรถโดยสารเชื่อมต่อไปยังหมู่บ้านรอบนอกมากกว่านี้",
        "หน่วยงานที่รับผิดชอบจะเปิดรับฟังความคิดเห็นของประชาชนเพื่อนำไปปรับปรุงการให้บริการต่อไป",
        "ระบบกล้องวงจรปิดและป้ายแสดงข้อมูลอิเล็กทรอนิกส์ได้รับการติดตั้งตลอดเส้นทางเพื่อความปลอดภัย",
    ],
    ends=[
        "ประชาชนสามารถสอบถามข้อมูลเพิ่มเติมได้ที่ศูนย์บริการข้อมูลของโครงการ",
        "คาดว่าโครงการระยะต่อไปจะเริ่มก่อสร้างได้ในปีหน้า",
        "หน่วยงานขออภัยในความไม่สะดวกที่เกิดขึ้นระหว่างการก่อสร้าง",
    ],
    caps=[
        "ผู้โดยสารใช้บริการที่สถานีใน{city}",
        "คนงานก่อสร้างทำงานบนสะพานแห่งใหม่",
    ],
)

# Photo captions "leaked" from other language editions of site A.
LEAKED_CAPTIONS = [
    "Người dân đi bộ trên cầu cảng mới khánh thành ở Port Calder, chiều thứ Bảy.",
    "Các em học sinh tham gia buổi trồng cây ven sông trong khuôn khổ chương trình bảo vệ môi trường.",
    "Tàu cá neo đậu tại cảng sau chuyến đánh bắt kéo dài hai tuần trên biển.",
    "Khách tham quan chụp ảnh bên ngọn hải đăng vừa được trùng tu ở mũi Gull Point.",
    "Vecinos observan los trabajos de reparación en el muelle de Port Calder.",
    "Un grupo de voluntarios limpia la orilla del río durante la mañana del sábado.",
    "Des passants regardent les vagues frapper la digue pendant la tempête de dimanche.",
    "Le marché du samedi attire de nombreux visiteurs venus des villages voisins.",
]
# ---------------------------------------------------------------------------
# Similarity reimplementation (mirrors shingle's definition):
#   NFC -> lowercase -> words; punctuation dropped.  Latin/Vietnamese/etc.
#   words are maximal runs of \w characters; each CJK ideograph or Thai
#   character is its own word, Thai (and any other) combining marks attach to
#   the preceding character.  Word 5-gram sets, Jaccard.
# ---------------------------------------------------------------------------
def _is_single_char_script(ch):
    o = ord(ch)
    return (0x0E00 <= o <= 0x0E7F          # Thai
            or 0x3040 <= o <= 0x30FF       # Hiragana / Katakana
            or 0x3400 <= o <= 0x4DBF       # CJK ext A
            or 0x4E00 <= o <= 0x9FFF       # CJK unified
            or 0xF900 <= o <= 0xFAFF       # CJK compatibility
            or 0x20000 <= o <= 0x2FA1F)    # CJK ext B.. / compat supplement


def words(text):
    t = unicodedata.normalize("NFC", text).lower()
    out, cur = [], []
    last_single = False
    for ch in t:
        cat = unicodedata.category(ch)
        if cat[0] == "M":                       # combining mark: attach
            if cur:
                cur.append(ch)
            elif last_single and out:
                out[-1] += ch
            continue
        if _is_single_char_script(ch):
            if cur:
                out.append("".join(cur))
                cur = []
            if cat[0] in "LN":
                out.append(ch)
                last_single = True
            else:                               # Thai punctuation etc.
                last_single = False
            continue
        last_single = False
        if ch.isalnum() or ch == "_":           # \w
            cur.append(ch)
        else:
            if cur:
                out.append("".join(cur))
                cur = []
    if cur:
        out.append("".join(cur))
    return out


def shingles(text, k=5):
    w = words(text)
    if len(w) < k:
        return {tuple(w)} if w else set()
    return {tuple(w[i:i + k]) for i in range(len(w) - k + 1)}


def jaccard(a, b):
    if not a and not b:
        return 1.0
    return len(a & b) / len(a | b)
# ---------------------------------------------------------------------------
# Slot values
# ---------------------------------------------------------------------------
TOWNS_A = ["Port Calder", "Westmere", "Kilnford", "Ashby Cross", "Marrow Bay",
           "Greyhaven", "Tollbridge", "Larkfield", "Saltcombe", "Hollins Quay"]
TOWNS_B = ["Redmill", "Oakhurst", "Fenwick", "Stanbury", "Corran Falls",
           "Hazelgrove", "Brackenridge", "Elderbrook", "Thornbury Vale", "Millhaven"]
RIVERS_A = ["River Calder", "River Wend", "River Sallow"]
RIVERS_B = ["River Redwater", "River Oak", "River Fenn", "River Leam"]
FIRST = ["Amira", "Ben", "Chloe", "Dev", "Elena", "Farid", "Grace", "Hamish",
         "Ines", "Jonah", "Keiko", "Liam", "Maya", "Nikos", "Olga", "Patrick",
         "Rosa", "Sanjay", "Tess", "Umar", "Vera", "Wes", "Yusuf", "Zoe",
         "Ada", "Callum", "Delia", "Ewan", "Freya", "Gideon", "Hana", "Ivo"]
LAST = ["Ashcroft", "Baptiste", "Carrow", "Duffy", "Eriksen", "Fairweather",
        "Gallo", "Halloran", "Iqbal", "Jennings", "Kowal", "Lindsay", "Marchetti",
        "Nwosu", "Okafor", "Penhale", "Quinlan", "Rahman", "Sorensen", "Treloar",
        "Underwood", "Varga", "Whitcombe", "Yates", "Zielinski", "Bramwell",
        "Castellano", "Dunmore", "Esposito", "Fitzgerald", "Grieve", "Hartley"]
STREETS = ["Carver Street", "Mill Lane", "Quay Road", "Station Road",
           "Bellfounders Row", "Harbour Street", "Chapel Hill", "Market Street",
           "Rope Walk", "Tanners Lane", "Victoria Road", "Saltings Way",
           "Foundry Lane", "Orchard Street", "Weavers Close", "Castle Terrace"]
WEEKDAYS = ["Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday", "Sunday"]
MONTHS = ["January", "February", "March", "April", "May", "June", "July",
          "August", "September", "October", "November", "December"]
VENUES = ["the Memorial Hall", "the Corn Exchange", "the central library",
          "St Anne's church hall", "the community centre", "the old town hall",
          "the leisure centre", "the Seamen's Institute"]
NICKS = ["Rovers", "Harriers", "Gulls", "Athletic", "United", "Mariners",
         "Wanderers", "Pilots", "Town", "Albion"]
COMPANIES = ["Brightwater Foods", "Keel and Anchor Engineering", "Northlight Systems",
             "Saltmarsh Components", "Fathom Digital", "Greenhollow Packaging",
             "Tidewright Marine", "Copperbeech Software", "Larchmont Precision",
             "Seaholme Textiles"]

VI_CITIES = ["Đà Nẵng", "Huế", "Quảng Ngãi", "Quy Nhơn", "Nha Trang", "Tam Kỳ",
             "Hội An", "Đồng Hới", "Tuy Hòa", "Phan Thiết"]
VI_PEOPLE = ["ông Lê Văn Thành", "bà Nguyễn Thị Hoa", "ông Trần Quốc Bảo",
             "bà Phạm Thị Lan", "ông Võ Minh Tuấn", "bà Hoàng Thị Thu",
             "ông Đặng Văn Hùng", "bà Bùi Thị Ngọc", "ông Huỳnh Tấn Phát",
             "bà Đỗ Thị Mai", "ông Phan Thanh Sơn", "bà Trương Mỹ Linh"]
VI_THU = ["thứ Hai", "thứ Ba", "thứ Tư", "thứ Năm", "thứ Sáu", "thứ Bảy"]
ZH_CITIES = ["杭州", "成都", "昆明", "厦门", "西安", "南京", "长沙", "青岛", "宁波", "贵阳"]
ZH_PEOPLE = ["王立新", "陈晓燕", "刘志强", "张丽华", "赵明远", "孙海涛", "周静怡",
             "吴建平", "黄雅琴", "林国栋", "郑晓东", "何美玲"]
TH_CITIES = ["เชียงใหม่", "ขอนแก่น", "อุดรธานี", "นครพนม", "หนองคาย", "อุบลราชธานี",
             "พิษณุโลก", "ลำปาง", "เชียงราย", "สกลนคร"]
TH_PEOPLE = ["นายสมชาย ศรีสุข", "นางสาววิภาวรรณ ทองดี", "นายประเสริฐ แก้วมณี",
             "นางมาลี บุญมา", "นายธนากร ใจงาม", "นางสาวกมลวรรณ สุขสวัสดิ์",
             "นายวีระพงษ์ คำแสน", "นางสุภาพร อินทร์แก้ว", "นายอนุชา พรหมมา",
             "นางสาวรัตนา ศรีวงศ์"]


class Rotor:
    """Hands out values from a list in a shuffled cycle, so consecutive
    articles get different towns / people."""

    def __init__(self, items, rng):
        self.items, self.rng, self.queue = list(items), rng, []

    def take(self, avoid=()):
        for _ in range(2):
            for i in range(len(self.queue) - 1, -1, -1):
                if self.queue[i] not in avoid:
                    return self.queue.pop(i)
            fresh = list(self.items)
            self.rng.shuffle(fresh)
            self.queue = fresh + self.queue
        raise RuntimeError("Rotor exhausted")


class CtxMaker:
    def __init__(self, rng):
        self.rng = rng
        self.r = {}

    def rot(self, name, items):
        if name not in self.r:
            self.r[name] = Rotor(items, random.Random(self.rng.random()))
        return self.r[name]

    def en(self, site):
        rng = self.rng
        towns = TOWNS_A if site == "A" else TOWNS_B
        town = self.rot("town" + site, towns).take()
        other = self.rot("other" + site, towns).take(avoid=(town,))
        names, sur = [], []
        for _ in range(3):
            f = self.rot("first", FIRST).take()
            l = self.rot("last", LAST).take(avoid=tuple(sur))
            names.append(f + " " + l)
            sur.append(l)
        nick = rng.sample(NICKS, 2)
        return dict(
            town=town, p1=names[0], p2=names[1], p3=names[2],
            s1=sur[0], s2=sur[1], s3=sur[2],
            street=self.rot("street", STREETS).take(),
            weekday=rng.choice(WEEKDAYS), month=rng.choice(MONTHS),
            year=str(rng.randint(2006, 2019)), n1=str(rng.randint(3, 9)),
            n2=str(rng.randint(12, 95)), n3=str(rng.randint(120, 980)),
            pct=str(rng.randint(8, 42)),
            money="£%d million" % rng.randint(2, 19),
            smallmoney="%d thousand pounds" % rng.randint(12, 95),
            venue=rng.choice(VENUES),
            team="%s %s" % (town, nick[0]), rival="%s %s" % (other, nick[1]),
            school=rng.choice(["%s High School" % town, "%s Academy" % town,
                               "St Brendan's College", "Kingsmead School",
                               "Riverside Community School", "Harbourside Academy"]),
            company=self.rot("company", COMPANIES).take(),
            river=rng.choice(RIVERS_A if site == "A" else RIVERS_B),
        )

    def ml(self, lang):
        rng = self.rng
        cities, people = {"vi": (VI_CITIES, VI_PEOPLE), "zh": (ZH_CITIES, ZH_PEOPLE),
                          "th": (TH_CITIES, TH_PEOPLE)}[lang]
        p1 = self.rot("p" + lang, people).take()
        p2 = self.rot("p" + lang, people).take(avoid=(p1,))
        return dict(city=self.rot("c" + lang, cities).take(), p1=p1, p2=p2,
                    thu=rng.choice(VI_THU), n1=str(rng.randint(3, 9)),
                    n2=str(rng.randint(12, 95)), n3=str(rng.randint(120, 980)),
                    pct=str(rng.randint(8, 42)), year=str(rng.randint(2005, 2019)))


def cap_first(s):
    return s[:1].upper() + s[1:] if s[:1].islower() else s


def fill(template, ctx, introduced=None):
    """Format a template; the first mention of person k uses the full name
    even if the template only has the surname slot {sk}."""
    if introduced is not None:
        for k in (1, 2, 3):
            if "{s%d}" % k in template and k not in introduced:
                template = template.replace("{s%d}" % k, "{p%d}" % k)
            if "{p%d}" % k in template or "{s%d}" % k in template:
                introduced.add(k)
    return cap_first(template.format(**ctx))
# ---------------------------------------------------------------------------
# Articles, sites, edits
# ---------------------------------------------------------------------------
JOINER = {"en": " ", "vi": " ", "zh": "", "th": " "}

SITES = {
    "A": dict(top=["Accessibility links", "", "Calder Ledger", "Breaking News", "",
                   "Cookies help us run this site. Accept", ""],
              bottom=["", "Contact | Privacy", "© 2024 Calder Ledger", "",
                      "XS", "SM", "MD", "LG"],
              cap="double"),
    "B": dict(top=["VALLEY WIRE", "Menu | Search | Subscribe", ""],
              bottom=["", "Share this story", "© Valley Wire News Service"],
              cap="single"),
    "vi": dict(top=["Tin Nhanh Miền Trung",
                    "Trang chủ | Thời sự | Kinh tế | Văn hóa | Thể thao", ""],
               bottom=["", "© 2024 Tin Nhanh Miền Trung. Ghi rõ nguồn khi phát hành lại thông tin từ trang này."],
               cap="double"),
    "zh": dict(top=["南江新闻网", "首页 | 新闻 | 财经 | 文化 | 体育", ""],
               bottom=["", "版权所有 © 2024 南江新闻网", "返回顶部"],
               cap="double"),
    "th": dict(top=["ข่าวริมโขงออนไลน์", "หน้าแรก | ข่าว | เศรษฐกิจ | กีฬา | บันเทิง", ""],
               bottom=["", "© 2024 ข่าวริมโขงออนไลน์ สงวนลิขสิทธิ์", "กลับสู่ด้านบน"],
               cap="double"),
    "page": dict(top=[], bottom=[], cap="single"),
}


def body_lines(art, cap_mode):
    lines = [art["head"], ""]
    if art["caps"] and cap_mode != "none":
        c = art["caps"][0]
        lines += [c, c] if cap_mode == "double" else [c]
        lines.append("")
    for i, p in enumerate(art["paras"]):
        if i:
            lines.append("")
        lines.append(art["joiner"].join(p))
    return lines


def render(art, site, cap_mode=None):
    s = SITES[site]
    return "\n".join(s["top"] + body_lines(art, cap_mode or s["cap"]) + s["bottom"])


def article_words(art):
    return len(words("\n".join([art["head"]] + [" ".join(p) for p in art["paras"]])))


def article_chars(art):
    return sum(len(s) for p in art["paras"] for s in p) + len(art["head"])


# --- edits (each returns a new article) -------------------------------------
def _cp(art):
    return copy.deepcopy(art)


def e_head(art, new):
    a = _cp(art); a["head"] = new; return a


def e_head_prefix(art, prefix):
    a = _cp(art); a["head"] = prefix + a["head"]; return a


def e_drop(art, pi, si):
    a = _cp(art)
    del a["paras"][pi][si]
    a["paras"] = [p for p in a["paras"] if p]
    return a


def e_add(art, pi, text, pos=None):
    a = _cp(art)
    p = a["paras"][pi]
    p.insert(len(p) if pos is None else pos, text)
    return a


def e_drop_shortest(art):
    """Drop the shortest sentence after the lede (never the final one)."""
    best = None
    for pi in range(1, len(art["paras"])):
        for si, s in enumerate(art["paras"][pi]):
            if pi == len(art["paras"]) - 1 and si == len(art["paras"][pi]) - 1:
                continue
            n = len(words(s))
            if best is None or n < best[0]:
                best = (n, pi, si)
    return e_drop(art, best[1], best[2])


def e_append_para(art, text):
    a = _cp(art); a["paras"].append([text]); return a


def e_truncate(art):
    """Drop the final sentence (scraper cut the page short)."""
    a = _cp(art)
    a["paras"][-1] = a["paras"][-1][:-1]
    a["paras"] = [p for p in a["paras"] if p]
    return a


def e_truncate_half(art):
    """Cut the final sentence in the middle and add an ellipsis."""
    a = _cp(art)
    last = a["paras"][-1][-1]
    if a["lang"] in ("zh",):
        cut = last[: max(4, len(last) // 2)] + "……"
    else:
        w = last.split(" ")
        cut = " ".join(w[: max(3, len(w) // 2)]) + " …"
    a["paras"][-1][-1] = cut
    return a


def e_nocaps(art):
    a = _cp(art); a["caps"] = []; return a


def e_number(art):
    """Change the first number found in the body (not the lede)."""
    a = _cp(art)
    for pi in range(1, len(a["paras"])):
        for si, s in enumerate(a["paras"][pi]):
            m = re.search(r"\d+", s)
            if m:
                n = int(m.group())
                a["paras"][pi][si] = s[:m.start()] + str(n + 3 if n < 90 else n - 7) + s[m.end():]
                return a
    raise RuntimeError("no number to change")


def apply_typo(art, pair=None):
    """Return (article with a typo, description).  pair=(correct, wrong) or
    automatic: swap two inner letters of the first long word in paragraph 2."""
    a = _cp(art)
    if pair:
        good, bad = pair
        for p in a["paras"]:
            for si, s in enumerate(p):
                if re.search(r"\b%s\b" % good, s):
                    p[si] = re.sub(r"\b%s\b" % good, bad, s, count=1)
                    return a, "%s -> %s" % (bad, good)
        raise RuntimeError("typo word not found: " + good)
    for p in a["paras"][1:]:
        for si, s in enumerate(p):
            for m in re.finditer(r"[a-z]{8,}", s):
                wd = m.group()
                if wd[3] != wd[4]:
                    bad = wd[:3] + wd[4] + wd[3] + wd[5:]
                    p[si] = s[:m.start()] + bad + s[m.end():]
                    return a, "%s -> %s" % (bad, wd)
    raise RuntimeError("no typo candidate")


# ---------------------------------------------------------------------------
# Composing distinct articles from a topic pool
# ---------------------------------------------------------------------------
def pack_topic(n_body, n_ends, k, n_art, rng, lam=2):
    """Pick, for each article, k body templates + 1 closing template so that
    any two articles share at most `lam` templates in total (simulated
    annealing on the number of violations; deterministic for a given rng)."""
    def over(a, b):
        o = len(a[0] & b[0]) + (a[1] == b[1])
        return o - lam if o > lam else 0

    ks = k if isinstance(k, list) else [k] * n_art
    for attempt in range(200):
        blocks = [(set(rng.sample(range(n_body), ks[i])), i % n_ends) for i in range(n_art)]
        cur = sum(over(a, b) for x, a in enumerate(blocks) for b in blocks[x + 1:])
        temp = 1.0
        for step in range(30000):
            if cur == 0:
                return [sorted([("b", i) for i in bs]) + [("e", e)] for bs, e in blocks]
            i = rng.randrange(n_art)
            bs, e = blocks[i]
            if rng.random() < 0.2:
                new = (bs, rng.randrange(n_ends))
            else:
                out = rng.choice(sorted(bs))
                inn = rng.choice([x for x in range(n_body) if x not in bs])
                new = ((bs - {out}) | {inn}, e)
            old = blocks[i]
            c = cur + sum(over(new, o) - over(old, o) for j, o in enumerate(blocks) if j != i)
            if c <= cur or rng.random() < 2.718281828 ** ((cur - c) / temp):
                blocks[i] = new
                cur = c
            temp = max(0.05, temp * 0.9995)
    raise RuntimeError("packing failed")


def compose(topic, idx, block, ctx, lang, rng):
    heads = topic["heads"]
    ledes = topic["ledes"]
    introduced = set()
    head = fill(heads[idx], ctx)
    sents = [fill(ledes[idx], ctx, introduced)]
    sents += [fill(topic["body"][i], ctx, introduced) for kind, i in block if kind == "b"]
    sents += [fill(topic["ends"][i], ctx, introduced) for kind, i in block if kind == "e"]
    paras = [[sents[0]]]
    rest = sents[1:]
    while rest:
        n = rng.choice([1, 2, 2, 3])
        paras.append(rest[:n])
        rest = rest[n:]
    templates = [("lede", idx)] + list(block)
    return dict(lang=lang, head=head, caps=[], paras=paras, joiner=JOINER[lang],
                templates=templates)


def _est_words(t):
    return len(re.findall(r"\w+", re.sub(r"\{\w+\}", "Xx Yy", t)))


def lengthen(topic, blocks, min_words, lam=2):
    """Add body templates to articles whose estimated length is below
    min_words, as long as no pair of articles then shares more than `lam`
    templates."""
    blocks = [set(b) for b in blocks]

    def est(i, b):
        return (_est_words(topic["heads"][i]) + _est_words(topic["ledes"][i])
                + sum(_est_words(topic["body" if kind == "b" else "ends"][x]) for kind, x in b))

    changed = True
    while changed:
        changed = False
        for i, b in enumerate(blocks):
            if est(i, b) >= min_words:
                continue
            cands = []
            for x in range(len(topic["body"])):
                item = ("b", x)
                if item in b:
                    continue
                nb = b | {item}
                if all(len(nb & o) <= lam for j, o in enumerate(blocks) if j != i):
                    cands.append((-_est_words(topic["body"][x]), x))
            if cands:
                b.add(("b", min(cands)[1]))
                changed = True
    out = []
    for b in blocks:
        out.append(sorted(it for it in b if it[0] == "b") + [it for it in b if it[0] == "e"])
    return out


def topic_articles(topics, lang, k, rng, extra=None, min_words=0, bump=False):
    """Yield (topic_key, idx, block) for every headline in every topic."""
    out = []
    for key in topics:
        t = topics[key]
        if extra and key in extra:
            t = dict(t)
            t["heads"] = t["heads"] + [h for h, _ in extra[key]]
            t["ledes"] = t["ledes"] + [l for _, l in extra[key]]
            topics[key] = t
        n_art = len(t["heads"])
        assert len(t["ledes"]) == n_art, key
        ks = k
        if bump:
            # articles with a short headline+lede get one more body sentence
            avg = sum(_est_words(b) for b in t["body"]) / len(t["body"])
            endw = sum(_est_words(b) for b in t["ends"]) / len(t["ends"])
            ks = [k + (1 if _est_words(t["heads"][i]) + _est_words(t["ledes"][i]) + k * avg + endw < min_words else 0)
                  for i in range(n_art)]
        blocks = pack_topic(len(t["body"]), len(t["ends"]), ks, n_art, rng)
        if min_words:
            blocks = lengthen(t, blocks, min_words)
        for i, b in enumerate(blocks):
            out.append((key, i, b))
    return out


def slugify(s):
    s = s.replace("đ", "d").replace("Đ", "D")
    s = unicodedata.normalize("NFKD", s)
    s = "".join(c for c in s if not unicodedata.combining(c))
    s = re.sub(r"[^A-Za-z0-9]+", "-", s).strip("-").lower()
    return s[:64].rstrip("-")
# ---------------------------------------------------------------------------
# Corpus assembly
# ---------------------------------------------------------------------------
FA = "sample_corpus/news-a.jsonl"
FB = "sample_corpus/news-b.jsonl.gz"
FM = "sample_corpus/multilingual.jsonl"
FP = "sample_corpus/pages"

ML_UPDATE = {
    "vi": "Bài viết đã được cập nhật thêm thông tin từ cơ quan chức năng.",
    "zh": "本文已根据有关部门的最新通报进行了更新。",
    "th": "ข่าวนี้ได้รับการปรับปรุงข้อมูลล่าสุดจากหน่วยงานที่เกี่ยวข้องแล้ว",
}
ML_PREFIX = {"vi": "Cập nhật: ", "zh": "快讯：", "th": "ด่วน "}


class Corpus:
    def __init__(self):
        self.docs = {}
        self.near = []     # dict(keys=[original, ...], edits={key: text})
        self.exact = []    # dict(keys=[...], kind=text)
        self.info = {}     # key -> dict(topic=..., role=...)

    def add(self, key, file, text, role, topic=None, **meta):
        assert key not in self.docs, key
        self.docs[key] = dict(key=key, file=file, text=text, meta=meta)
        self.info[key] = dict(role=role, topic=topic)
        return key


def norm_print_version(text):
    """Same content, different case / punctuation / whitespace."""
    lines = text.split("\n")
    out = []
    head_done = False
    for ln in lines:
        if not head_done and len(ln.split()) >= 4 and not ln.startswith("Cookies"):
            ln = ln.upper()
            head_done = True
        ln = ln.replace(",", "").replace("“", '"').replace("”", '"')
        out.append(ln)
    return "\n".join(out).replace("\n\n", "\n\n\n")


def norm_lower_spaces(text):
    return text.lower().replace(". ", ".  ").replace("\n", " \n")


def norm_quotes_ws(text):
    t = text.replace("“", '"').replace("”", '"').replace("’", "'")
    return "\n".join(ln + "  " if ln else ln for ln in t.split("\n")).replace("\n\n", "\n\t\n")


def norm_crlf(text):
    lines = text.split("\n")
    lines[0] = lines[0].upper()
    return "\r\n".join(ln.rstrip() + " " for ln in lines) + "\r\n"


def norm_zh_punct(text):
    t = (text.replace("，", ",").replace("。", ". ").replace("“", '"').replace("”", '"')
         .replace("：", ": ").replace("、", " ").replace("！", "!"))
    return t


def norm_th_ws(text):
    return "\n" + text.replace(" ", "  ").replace("\n\n", "\n \n") + "\n\n"


def build():
    C = Corpus()
    ctxm = CtxMaker(random.Random(SEED + 1))
    prng = random.Random(SEED + 2)      # paragraphing / packing

    # ---------------- English pooled articles --------------------------------
    items = topic_articles(EN_TOPICS, "en", 6, random.Random(SEED + 3), extra=EN_EXTRA, min_words=190, bump=True)
    random.Random(SEED + 4).shuffle(items)
    a_items, page_items, b_items = items[:70], items[70:74], items[74:]

    def make_en(item, site, ctx):
        key, idx, block = item
        art = compose(EN_TOPICS[key], idx, block, ctx, "en", prng)
        art["topic"] = "en:" + key
        art["ctx"] = ctx
        return art

    A_arts, B_arts, P_arts = [], [], []
    for j, it in enumerate(a_items):
        ctx = ctxm.en("A")
        art = make_en(it, "A", ctx)
        if j < len(LEAKED_CAPTIONS):
            art["caps"] = [LEAKED_CAPTIONS[j]]
            art["leaked_caption"] = True
        elif j < 34:
            art["caps"] = [fill(EN_TOPICS[it[0]]["caps"][j % 3], ctx)]
        A_arts.append(art)
    for j, it in enumerate(b_items):
        ctx = ctxm.en("B")
        art = make_en(it, "B", ctx)
        if j % 4 == 1:
            art["caps"] = [fill(EN_TOPICS[it[0]]["caps"][j % 3], ctx)]
        B_arts.append(art)
    for j, it in enumerate(page_items):
        P_arts.append(make_en(it, "A" if j % 2 == 0 else "B", ctxm.en("A" if j % 2 == 0 else "B")))

    def url_a(art, suffix=""):
        return "https://www.calderledger.example/news/%s%s" % (slugify(art["head"]), suffix)

    def url_b(art, suffix=""):
        return "https://valleywire.example/story/%s%s" % (slugify(art["head"]), suffix)

    # site A distinct pooled pages
    for j, art in enumerate(A_arts):
        role = "distinct"
        C.add("A%02d" % j, FA, render(art, "A"), role, art["topic"], url=url_a(art))
    # site B distinct pooled pages
    for j, art in enumerate(B_arts):
        C.add("B%02d" % j, FB, render(art, "B"), "distinct", art["topic"], url=url_b(art))

    # ---------------- long articles + syndication ---------------------------
    longs = {}
    for L in EN_LONG:
        art = dict(lang="en", head=L["head"], caps=[L["cap"]] if L.get("cap") else [],
                   paras=copy.deepcopy(L["paras"]), joiner=" ", topic="en:long:" + L["key"])
        longs[L["key"]] = (L, art)
        a_art = art
        typo_desc = None
        if L.get("typo"):
            a_art, typo_desc = apply_typo(art, L["typo"])
        C.add("AL-" + L["key"], FA, render(a_art, "A"), "distinct", art["topic"], url=url_a(art))
        longs[L["key"]] = (L, art, typo_desc)

    def syn(key, variant, site, edit_desc, suffix=""):
        L, art, typo_desc = longs[key]
        k = "%s-%s-%s" % ("BS" if site == "B" else ("AU" if site == "A" else "PG"), key, suffix or "1")
        if site == "B":
            C.add(k, FB, render(variant, "B"), "syndicated", art["topic"],
                  url=url_b(variant, "-syndicated"))
        elif site == "A":
            C.add(k, FA, render(variant, "A"), "updated", art["topic"],
                  url=url_a(art, "?updated=1"))
        return k, edit_desc

    plan = []
    L, art, _ = longs["bridge"]
    plan.append(("bridge", [
        syn("bridge", e_head(art, L["alt_head"]), "B", "B chrome; headline reworded (one word added)", "1"),
        syn("bridge", e_truncate_half(art), "B", "B chrome; ending truncated mid-sentence", "2"),
    ]))
    L, art, _ = longs["storm"]
    plan.append(("storm", [syn("storm", e_drop(art, 3, 2), "B", "B chrome; one sentence dropped")]))
    L, art, td = longs["seagrass"]
    repost = _cp(art)
    repost["paras"].insert(0, ["Reposted from the Calder Ledger with the permission of the editor."])
    kpage = C.add("PG-seagrass", FP + "/seahorses-in-restored-seagrass-repost.txt",
                  render(repost, "page"), "repost", art["topic"])
    plan.append(("seagrass", [
        syn("seagrass", art, "B", "B chrome; typo fixed (%s)" % td),
        (kpage, "plain-text repost without site chrome; typo fixed; one credit line added"),
    ]))
    L, art, _ = longs["hospital"]
    plan.append(("hospital", [syn("hospital", e_add(art, 5, "A similar expansion is planned at the hospital in Redmill, where building work is due to start next spring."),
                                  "B", "B chrome; one sentence added")]))
    L, art, _ = longs["cannery"]
    plan.append(("cannery", [syn("cannery", e_head(art, L["new_head"]), "B",
                                 "B chrome; headline completely rewritten")]))
    L, art, _ = longs["budget"]
    plan.append(("budget", [
        syn("budget", e_truncate_half(art), "B", "B chrome; ending truncated mid-sentence"),
        syn("budget", e_append_para(art, "Update: This article was updated on Thursday morning to include a response from the opposition group."),
            "A", "same site; update note appended"),
    ]))
    L, art, td = longs["fleet"]
    plan.append(("fleet", [syn("fleet", e_head(art, L["alt_head"]), "B",
                               "B chrome; typo fixed (%s); headline word changed" % td)]))
    L, art, _ = longs["meals"]
    v = e_add(e_drop(art, 5, 1), 3, "Local bakeries will supply bread to the schools under a separate contract.")
    plan.append(("meals", [syn("meals", v, "B", "B chrome; one sentence dropped and another added (borderline)")]))
    L, art, _ = longs["lighthouse"]
    plan.append(("lighthouse", [
        syn("lighthouse", e_append_para(e_nocaps(art), "Correction: An earlier version of this article misspelled the name of the trust's chair."),
            "A", "same site; photo caption removed; correction note appended"),
        syn("lighthouse", e_head(art, L["alt_head"]), "B", "B chrome; headline word added"),
    ]))
    L, art, _ = longs["halfmarathon"]
    plan.append(("halfmarathon", [syn("halfmarathon", e_nocaps(e_head(art, L["alt_head"])), "B",
                                      "B chrome; headline reworded; photo caption dropped")]))
    for key, members in plan:
        C.near.append(dict(keys=["AL-" + key] + [m for m, _ in members],
                           edits={m: d for m, d in members}))

    # ---------------- short near-duplicates ---------------------------------
    for j in (40, 41):
        art = A_arts[j]
        v = e_append_para(art, "This story was updated on %s afternoon with a response from the council." % art["ctx"]["weekday"])
        k = C.add("AU%02d" % j, FA, render(v, "A"), "updated", art["topic"], url=url_a(art, "?updated=1"))
        C.near.append(dict(keys=["A%02d" % j, k], edits={k: "same site; update note appended"}))

    b_ops = [
        ("one sentence dropped", lambda a: e_drop(a, 2, 0)),
        ("typo fixed", None),
        ("headline prefixed with 'UPDATED:'", lambda a: e_head_prefix(a, "UPDATED: ")),
        ("correction note appended", lambda a: e_append_para(a, "Correction: An earlier version of this story gave the wrong day for the meeting.")),
        ("a number in the body changed", e_number),
    ]
    b_targets = [0, 1, 2, 3]
    for j in [4] + list(range(7, len(B_arts))):
        try:
            e_number(B_arts[j])
            b_targets.append(j)
            break
        except RuntimeError:
            pass
    for j, (desc, op) in zip(b_targets, b_ops):
        art = B_arts[j]
        if op is None:           # the original on the site carries the typo
            bad, tdesc = apply_typo(art)
            C.docs["B%02d" % j]["text"] = render(bad, "B")
            v, desc = art, "typo fixed (%s)" % tdesc
        else:
            v = op(art)
        k = C.add("BV%02d" % j, FB, render(v, "B"), "variant", art["topic"], url=url_b(art, "-v2"))
        C.near.append(dict(keys=["B%02d" % j, k], edits={k: "same site; " + desc}))

    # ---------------- English exact duplicates ------------------------------
    def exact(orig_key, new_key, file, text, kind, **meta):
        C.add(new_key, file, text, "exact-copy", C.info[orig_key]["topic"], **meta)
        for g in C.exact:
            if orig_key in g["keys"]:
                g["keys"].append(new_key)
                g["kinds"][new_key] = kind
                return
        C.exact.append(dict(keys=[orig_key, new_key], kinds={new_key: kind}))

    t = C.docs["A42"]["text"]
    exact("A42", "AX42", FA, t, "byte-identical text (republished under a feed URL)", url=url_a(A_arts[42], "?ref=rss"))
    t = C.docs["A43"]["text"]
    exact("A43", "AX43", FA, t, "byte-identical text (AMP URL)", url=url_a(A_arts[43], "/amp"))
    exact("A44", "AX44", FA, norm_print_version(C.docs["A44"]["text"]),
          "print version: headline upper-cased, commas and curly quotes changed, extra blank lines",
          url=url_a(A_arts[44], "?print=1"))
    exact("A45", "AX45", FA, norm_lower_spaces(C.docs["A45"]["text"]),
          "text-only version: everything lower-cased, doubled spaces, trailing spaces",
          url=url_a(A_arts[45], "?textonly=1"))
    exact("A46", "BX46", FB, C.docs["A46"]["text"],
          "byte-identical text in the other site's dump (mirror scrape, site A chrome kept)",
          url="https://valleywire.example/mirror/%s" % slugify(A_arts[46]["head"]))
    exact("A47", "PX47", FP + "/%s.txt" % slugify(A_arts[47]["head"]), C.docs["A47"]["text"],
          "plain-text page whose content is byte-identical to the JSONL record's text")
    exact("B05", "BX05", FB, C.docs["B05"]["text"],
          "byte-identical text; the two copies sit in different gzip members",
          url=url_b(B_arts[5], "?share=1"))
    exact("B06", "BX06", FB, norm_quotes_ws(C.docs["B06"]["text"]),
          "straight instead of curly quotes, trailing spaces, tab on blank line",
          url=url_b(B_arts[6], "?mobile=1"))

    # ---------------- plain-text pages (English) ----------------------------
    pnames = []
    for j, art in enumerate(P_arts):
        name = FP + "/%s.txt" % slugify(art["head"])
        pnames.append(name)
        C.add(name, name, render(art, "page"), "distinct", art["topic"])
    exact(pnames[0], pnames[0][:-4] + "-copy.txt", pnames[0][:-4] + "-copy.txt",
          C.docs[pnames[0]]["text"], "byte-identical file copy")
    exact(pnames[1], pnames[1][:-4] + "-windows.txt", pnames[1][:-4] + "-windows.txt",
          norm_crlf(C.docs[pnames[1]]["text"]), "CRLF line endings, trailing spaces, upper-cased headline")

    # ---------------- multilingual ------------------------------------------
    ml_pools = {"vi": (VI_TOPICS, 5), "zh": (ZH_TOPICS, 5), "th": (TH_TOPICS, 5)}
    ML_arts = {}
    for lang, (pool, k) in ml_pools.items():
        its = topic_articles(pool, lang, k, random.Random(SEED + 10 + len(lang) + ord(lang[0])),
                             min_words=230 if lang == "vi" else 0)
        random.Random(SEED + 20 + ord(lang[1])).shuffle(its)
        arts = []
        for j, (tk, idx, block) in enumerate(its):
            ctx = ctxm.ml(lang)
            art = compose(pool[tk], idx, block, ctx, lang, prng)
            art["topic"] = "%s:%s" % (lang, tk)
            if j % 2 == 0:
                art["caps"] = [fill(pool[tk]["caps"][j % 4 // 2], ctx)]
            arts.append(art)
        ML_arts[lang] = arts

    ml_host = {"vi": "https://tinnhanhmientrung.example/tin/%s.html",
               "zh": "https://nanjiang-news.example/a/%s.shtml",
               "th": "https://rimkhong-news.example/news/%s"}

    def ml_url(lang, art, j, suffix=""):
        slug = slugify(art["head"]) if lang == "vi" else "%s-%02d" % (art["topic"].split(":")[1], j)
        return (ml_host[lang] % slug) + suffix

    for lang, arts in ML_arts.items():
        n_ml = len(arts) - (1 if lang == "vi" else 0)
        for j in range(n_ml):
            C.add("M%s%02d" % (lang, j), FM, render(arts[j], lang), "distinct", arts[j]["topic"],
                  url=ml_url(lang, arts[j], j), lang=lang)
        if lang == "vi":
            art = arts[-1]
            name = FP + "/%s.txt" % slugify(art["head"])
            C.add(name, name, render(art, "vi"), "distinct", art["topic"])
        P = ML_PREFIX[lang]
        U = ML_UPDATE[lang]
        ops = [
            (0, "one sentence dropped", e_drop_shortest),
            (0, "headline prefixed", lambda a: e_head_prefix(a, P)),
            (1, "a number in the body changed", e_number),
            (2, "update sentence appended", lambda a: e_append_para(a, U)),
            (3, "final sentence dropped (truncated page)", e_truncate),
            (4, "photo caption removed", e_nocaps),
            (5, "one sentence dropped", e_drop_shortest),
        ]
        if lang == "zh":
            # zh: the second group-0 variant is replaced by a plain-text page copy of #8
            ops[1] = (8, "plain-text page", None)
        groups = {}
        for n, (j, desc, op) in enumerate(ops):
            art = arts[j]
            try:
                v = op(art) if op else art
            except RuntimeError:
                v, desc = e_head_prefix(art, P), "headline prefixed"
            if lang == "zh" and n == 1:
                # the second variant of zh #0 is the same article saved as a
                # plain-text page (no site chrome, caption once)
                name = FP + "/zh-%s.txt" % art["topic"].split(":")[1]
                k2 = C.add(name, name, render(art, "page"), "variant", art["topic"])
                desc = "plain-text copy of the article without the site chrome"
            else:
                k2 = C.add("MV%s%02d-%d" % (lang, j, n), FM, render(v, lang), "variant", art["topic"],
                           url=ml_url(lang, art, j, "?v=2"), lang=lang)
            groups.setdefault(j, dict(keys=["M%s%02d" % (lang, j)], edits={}))
            groups[j]["keys"].append(k2)
            groups[j]["edits"][k2] = "same site; " + desc if not desc.startswith("plain") else desc
        for j in sorted(groups):
            C.near.append(groups[j])
        # exact duplicates
        if lang == "vi":
            t = C.docs["Mvi06"]["text"]
            exact("Mvi06", "MXvi06b", FM, t, "byte-identical text, different URL",
                  url=ml_url(lang, arts[6], 6, "?utm_source=zalo"), lang=lang)
            for j in (6, 7, 8, 9):
                t = C.docs["Mvi%02d" % j]["text"]
                nfd = unicodedata.normalize("NFD", t)
                assert nfd != t
                exact("Mvi%02d" % j, "MXvi%02dn" % j, FM, nfd,
                      "same page with text in Unicode NFD (decomposed diacritics)",
                      url=ml_url(lang, arts[j], j, "?nfd=1"), lang=lang)
        elif lang == "zh":
            exact("Mzh06", "MXzh06", FM, C.docs["Mzh06"]["text"], "byte-identical text, different URL",
                  url=ml_url(lang, arts[6], 6, "?from=app"), lang=lang)
            exact("Mzh07", "MXzh07", FM, norm_zh_punct(C.docs["Mzh07"]["text"]),
                  "full-width punctuation replaced by ASCII punctuation and spaces",
                  url=ml_url(lang, arts[7], 7, "?m=1"), lang=lang)
        else:
            exact("Mth06", "MXth06", FM, C.docs["Mth06"]["text"], "byte-identical text, different URL",
                  url=ml_url(lang, arts[6], 6, "?share=line"), lang=lang)
            exact("Mth07", "MXth07", FM, norm_th_ws(C.docs["Mth07"]["text"]),
                  "doubled spaces and extra blank lines",
                  url=ml_url(lang, arts[7], 7, "?amp"), lang=lang)

    C.arts = dict(A=A_arts, B=B_arts, P=P_arts, ML=ML_arts, longs=longs)
    return C
# ---------------------------------------------------------------------------
# Ids, serialisation
# ---------------------------------------------------------------------------
def assign_ids(C):
    rng = random.Random(SEED + 99)
    by_file = defaultdict(list)
    for k, d in C.docs.items():
        by_file[d["file"] if not d["file"].startswith(FP + "/") else FP].append(k)
    order = {}
    # A: shuffled
    a = list(by_file[FA]); rng.shuffle(a)
    order[FA] = a
    # B: shuffled, but the in-file byte-identical pair straddles the gzip members
    b = list(by_file[FB]); rng.shuffle(b)
    b.remove("B05"); b.remove("BX05")
    b.insert(len(b) // 4, "B05"); b.insert(3 * (len(b) + 1) // 4, "BX05")
    order[FB] = b
    m = list(by_file[FM]); rng.shuffle(m)
    order[FM] = m
    order[FP] = sorted(by_file[FP], key=lambda k: C.docs[k]["file"])
    ids = {}
    for i, k in enumerate(order[FA]):
        ids[k] = "a-%04d" % (i + 1)
    for i, k in enumerate(order[FB]):
        ids[k] = "b-%04d" % (i + 1)
    cnt = Counter()
    for k in order[FM]:
        lang = C.docs[k]["meta"]["lang"]
        cnt[lang] += 1
        ids[k] = "ml-%s-%03d" % (lang, cnt[lang])
    for k in order[FP]:
        ids[k] = C.docs[k]["file"]
    assert len(set(ids.values())) == len(ids)
    return ids, order


def fetched_at(rng):
    t = datetime(2024, 3, 4, 5, 0, 0) + timedelta(seconds=rng.randint(0, 21 * 86400))
    return t.strftime("%Y-%m-%dT%H:%M:%SZ")


def serialise(C, ids, order):
    """Return {relative path: bytes}."""
    rng = random.Random(SEED + 7)
    files = {}

    def rec(k, extra):
        d = C.docs[k]
        r = {"id": ids[k], "url": d["meta"]["url"]}
        r.update(extra)
        r["fetched_at"] = fetched_at(rng)
        r["text"] = d["text"]
        return json.dumps(r, ensure_ascii=False) + "\n"

    files[FA] = "".join(rec(k, {}) for k in order[FA]).encode("utf-8")
    lines = [rec(k, {"source": "valleywire"}) for k in order[FB]]
    half = len(lines) // 2
    gz = b""
    for part in (lines[:half], lines[half:]):
        buf = io.BytesIO()
        with gzip.GzipFile(filename="", mode="wb", fileobj=buf, mtime=0, compresslevel=9) as g:
            g.write("".join(part).encode("utf-8"))
        gz += buf.getvalue()
    files[FB] = gz
    files[FM] = "".join(rec(k, {"lang": C.docs[k]["meta"]["lang"]}) for k in order[FM]).encode("utf-8")
    for k in order[FP]:
        files[C.docs[k]["file"]] = C.docs[k]["text"].encode("utf-8")
    return files, half


# ---------------------------------------------------------------------------
# Verification + truth
# ---------------------------------------------------------------------------
class UF:
    def __init__(self, keys):
        self.p = {k: k for k in keys}

    def find(self, x):
        while self.p[x] != x:
            self.p[x] = self.p[self.p[x]]
            x = self.p[x]
        return x

    def union(self, a, b):
        ra, rb = self.find(a), self.find(b)
        if ra != rb:
            self.p[max(ra, rb)] = min(ra, rb)


def verify_and_truth(C, ids, order, gz_half):
    keys = sorted(C.docs, key=lambda k: ids[k])
    sh = {k: shingles(C.docs[k]["text"]) for k in keys}
    wseq = {k: tuple(words(C.docs[k]["text"])) for k in keys}
    problems = []

    # --- article length rules (distinct articles) ---
    short = []
    for group in ("A", "B", "P"):
        for art in C.arts[group]:
            if article_words(art) < 150:
                short.append((art["head"], article_words(art)))
    for L, art, _ in C.arts["longs"].values():
        if article_words(art) < 300:
            short.append((art["head"], article_words(art)))
    for lang, arts in C.arts["ML"].items():
        for art in arts:
            if lang == "vi" and article_words(art) < 150:
                short.append((art["head"], article_words(art)))
            if lang in ("zh", "th") and article_chars(art) < 200:
                short.append((art["head"], article_chars(art)))
    if short:
        problems.append("articles below the length floor: %r" % short)

    # --- planted clusters ---
    planted = []
    for g in C.exact:
        planted.append(("exact", g))
    for g in C.near:
        planted.append(("near", g))
    cluster_of = {}
    for n, (_, g) in enumerate(planted):
        for k in g["keys"]:
            if k in cluster_of:
                problems.append("%s is in two planted groups" % k)
            cluster_of[k] = n

    # exact groups: identical word sequences inside, nothing else identical
    by_seq = defaultdict(list)
    for k in keys:
        by_seq[wseq[k]].append(k)
    found_exact = sorted(sorted(v, key=lambda k: ids[k]) for v in by_seq.values() if len(v) > 1)
    want_exact = sorted(sorted(g["keys"], key=lambda k: ids[k]) for g in C.exact)
    if found_exact != want_exact:
        problems.append("exact groups differ from plan:\n found %r\n want %r" % (found_exact, want_exact))

    # all pairs
    n = len(keys)
    uf = UF(keys)
    max_unrelated = (0.0, None)
    pair_j = {}
    for i in range(n):
        a = keys[i]
        for j in range(i + 1, n):
            b = keys[j]
            jj = jaccard(sh[a], sh[b])
            same = a in cluster_of and cluster_of.get(a) == cluster_of.get(b)
            if same:
                pair_j[(a, b)] = pair_j[(b, a)] = jj
            elif jj > max_unrelated[0]:
                max_unrelated = (jj, (a, b))
            if jj >= NEAR_THRESHOLD:
                uf.union(a, b)
    comps = defaultdict(list)
    for k in keys:
        comps[uf.find(k)].append(k)
    found_clusters = sorted(sorted(v, key=lambda k: ids[k]) for v in comps.values() if len(v) > 1)
    want_clusters = sorted(sorted(g["keys"], key=lambda k: ids[k]) for _, g in planted)
    if found_clusters != want_clusters:
        problems.append("J>=%.2f clusters differ from plan:\n found %r\n want %r"
                        % (NEAR_THRESHOLD, [[ids[k] for k in c] for c in found_clusters],
                           [[ids[k] for k in c] for c in want_clusters]))
    if max_unrelated[0] >= 0.5:
        problems.append("unrelated pair too similar: %r" % (max_unrelated,))

    def J(a, b):
        return pair_j.get((a, b), jaccard(sh[a], sh[b]))

    # near groups detail
    near_details = []
    for g in C.near:
        first = g["keys"][0]
        jt = {ids[k]: round(J(first, k), 4) for k in g["keys"][1:]}
        mins = min(J(a, b) for x, a in enumerate(g["keys"]) for b in g["keys"][x + 1:])
        borderline = min(jt.values()) < 0.85
        if mins < NEAR_THRESHOLD:
            problems.append("near group %r has a pair below the threshold (%.3f)" % ([ids[k] for k in g["keys"]], mins))
        for k in g["keys"][1:]:
            if J(first, k) < NEAR_THRESHOLD:
                problems.append("planted near-duplicate below threshold: %s %s %.3f" % (ids[first], ids[k], J(first, k)))
        near_details.append(dict(
            ids=[ids[k] for k in g["keys"]],
            original=ids[first],
            j_to_first=jt,
            min_pairwise_j=round(mins, 4),
            pairwise_j={"%s | %s" % (ids[a], ids[b]): round(J(a, b), 4)
                        for x, a in enumerate(g["keys"]) for b in g["keys"][x + 1:]},
            borderline_0_80_to_0_85=borderline,
            edits={ids[k]: g["edits"][k] for k in g["keys"][1:]},
        ))
    exact_details = []
    for g in C.exact:
        first = g["keys"][0]
        exact_details.append(dict(
            ids=[ids[k] for k in g["keys"]],
            original=ids[first],
            byte_identical_text={ids[k]: C.docs[k]["text"] == C.docs[first]["text"] for k in g["keys"][1:]},
            kinds={ids[k]: g["kinds"][k] for k in g["keys"][1:]},
        ))

    # distinct pairs sharing chrome (same site, same topic where possible)
    chrome_pairs = []
    for fname, prefix in ((FA, "A"), (FB, "B")):
        seen = {}
        for k in order[fname]:
            if C.info[k]["role"] != "distinct" or k in cluster_of or not k.startswith(prefix):
                continue
            t = C.info[k]["topic"]
            if t in seen and seen[t] is not None:
                chrome_pairs.append((seen[t], k))
                seen[t] = None
            elif t not in seen:
                seen[t] = k
    for lang in ("vi", "zh", "th"):
        seen = {}
        for k in order[FM]:
            if C.info[k]["role"] != "distinct" or k in cluster_of or C.docs[k]["meta"]["lang"] != lang:
                continue
            t = C.info[k]["topic"]
            if t in seen and seen[t] is not None:
                chrome_pairs.append((seen[t], k))
                seen[t] = None
            elif t not in seen:
                seen[t] = k
    chrome_pair_info = []
    for a, b in chrome_pairs:
        jj = J(a, b)
        if jj >= 0.5:
            problems.append("distinct pair with shared chrome too similar: %s %s %.3f" % (ids[a], ids[b], jj))
        chrome_pair_info.append(dict(pair=[ids[a], ids[b]], j=round(jj, 4), topic=C.info[a]["topic"]))

    # distinct-vs-distinct statistics
    distinct = [k for k in keys if k not in cluster_of]

    # boilerplate lines
    boiler = {}
    for fname in (FA, FB, FM):
        cnt = Counter()
        for k in order[fname]:
            for ln in sorted({l.strip() for l in C.docs[k]["text"].split("\n") if l.strip()}):
                cnt[ln] += 1
        boiler[fname] = {ln: c for ln, c in sorted(cnt.items(), key=lambda x: (-x[1], x[0])) if c >= 5}
    # the same, but lines compared after NFC + lowercase + punctuation/whitespace removal
    boiler_norm = {}
    for fname in (FA, FB, FM):
        cnt, rep = Counter(), {}
        for k in order[fname]:
            seen = set()
            for l in C.docs[k]["text"].split("\n"):
                key = " ".join(words(l))
                if key and key not in seen:
                    seen.add(key)
                    cnt[key] += 1
                    rep.setdefault(key, unicodedata.normalize("NFC", l.strip()))
        boiler_norm[fname] = {rep[key]: c for key, c in sorted(cnt.items(), key=lambda x: (-x[1], rep[x[0]])) if c >= 5}
    # non-chrome lines shared by unrelated documents (counted per planted group)
    occ, rep = defaultdict(set), {}
    for k in keys:
        for l in C.docs[k]["text"].split("\n"):
            key = " ".join(words(l))
            if key:
                occ[key].add(cluster_of.get(k, k))
                rep.setdefault(key, (unicodedata.normalize("NFC", l.strip()), []))
                if ids[k] not in rep[key][1]:
                    rep[key][1].append(ids[k])
    chrome_keys = {" ".join(words(l)) for s_ in SITES.values() for l in s_["top"] + s_["bottom"] if l}
    incidental = []
    for key in sorted(occ, key=lambda x: rep[x][0]):
        if key in chrome_keys or len(occ[key]) < 2:
            continue
        if len(occ[key]) >= 5:
            problems.append("non-chrome line repeated across %d unrelated documents: %r" % (len(occ[key]), rep[key][0]))
        incidental.append(dict(line=rep[key][0], ids=sorted(rep[key][1])))
    in_page = []
    for k in keys:
        lines = [l.strip() for l in C.docs[k]["text"].split("\n")]
        for x in range(1, len(lines)):
            if lines[x] and lines[x] == lines[x - 1]:
                in_page.append(dict(id=ids[k], line=lines[x],
                                    caption_from_other_language_edition=lines[x] in LEAKED_CAPTIONS))
    counts = Counter()
    for k in keys:
        f = C.docs[k]["file"]
        counts[FP + "/*.txt" if f.startswith(FP + "/") else f] += 1

    truth = {
        "generated_by": "scripts/make_sample_corpus.py (regenerate with: python3 scripts/make_sample_corpus.py)",
        "similarity": {
            "normalization": "Unicode NFC, lowercase, punctuation dropped",
            "words": "runs of \\w characters; each CJK ideograph / Thai character is its own word (combining marks attach to the preceding character)",
            "shingles": "word 5-gram sets",
            "measure": "Jaccard",
            "near_duplicate_threshold": NEAR_THRESHOLD,
            "note": "J values were computed by the Python reimplementation in scripts/make_sample_corpus.py (re-style \\w+ words). A UAX#29 tokenizer keeps e.g. \"council's\" or \"3.5\" as one word, which can move J by about +/-0.01; no planted pair is closer than that to 0.8 and no unrelated pair is anywhere near it.",
        },
        "documents": {"total": len(keys), "per_file": dict(sorted(counts.items()))},
        "id_convention": "JSONL records use their \"id\" field; plain-text pages use their path as given on the command line, e.g. \"sample_corpus/pages/x.txt\" (run from the repository root).",
        "gzip": {"file": FB, "members": 2, "records_in_member_1": gz_half,
                 "records_in_member_2": len(order[FB]) - gz_half},
        "exact_duplicate_groups": [d["ids"] for d in exact_details],
        "exact_duplicate_group_details": exact_details,
        "near_duplicate_groups": [d["ids"] for d in near_details],
        "near_duplicate_group_details": near_details,
        "groups_note": "Exact and near-duplicate groups are disjoint. Every pair of documents with J >= 0.8 lies inside one of these groups (exact groups trivially have J = 1.0), and every document pair inside a near group has J >= 0.8 (see min_pairwise_j). The first id of a group is the original.",
        "distinct_pairs_with_shared_chrome": [p["pair"] for p in chrome_pair_info],
        "distinct_pairs_with_shared_chrome_details": chrome_pair_info,
        "unrelated_documents": {
            "count_not_in_any_group": len(distinct),
            "max_j_between_documents_of_different_groups": round(max_unrelated[0], 4),
            "max_pair": [ids[x] for x in max_unrelated[1]] if max_unrelated[1] else None,
        },
        "site_chrome_lines": {
            FA: [l for l in SITES["A"]["top"] + SITES["A"]["bottom"] if l],
            FB: [l for l in SITES["B"]["top"] + SITES["B"]["bottom"] if l],
            FM: {lang: [l for l in SITES[lang]["top"] + SITES[lang]["bottom"] if l] for lang in ("vi", "zh", "th")},
        },
        "lines_in_5_or_more_documents": boiler,
        "lines_in_5_or_more_documents_normalized": boiler_norm,
        "lines_note": "lines_in_5_or_more_documents compares whitespace-trimmed lines byte for byte (so the NFD, lower-cased and re-spaced copies do not count); the _normalized variant compares lines after NFC + lowercase + punctuation removal and shows one representative spelling. Every page of a site carries that site's chrome lines. Apart from the chrome, a line is shared only inside a planted duplicate group or, incidentally, by at most 4 unrelated documents (single-sentence paragraphs and photo captions reused by articles of the same topic; listed in non_chrome_lines_shared_by_unrelated_documents).",
        "non_chrome_lines_shared_by_unrelated_documents": incidental,
        "in_page_repeated_lines": in_page,
    }
    return truth, problems, near_details, exact_details, chrome_pair_info, max_unrelated, counts


def main(argv):
    check = "--check" in argv
    C = build()
    ids, order = assign_ids(C)
    files, half = serialise(C, ids, order)
    truth, problems, near_d, exact_d, chrome, maxu, counts = verify_and_truth(C, ids, order, half)
    truth_bytes = (json.dumps(truth, ensure_ascii=False, indent=2) + "\n").encode("utf-8")

    if problems:
        print("VERIFICATION FAILED:", file=sys.stderr)
        for p in problems:
            print(" -", p, file=sys.stderr)
        return 1

    if check:
        bad = []
        for rel, data in list(files.items()) + [(str(TRUTH_PATH.relative_to(ROOT)), truth_bytes)]:
            p = ROOT / rel
            if not p.exists() or p.read_bytes() != data:
                bad.append(rel)
        on_disk = sorted(str(p.relative_to(ROOT)) for p in (OUT_DIR / "pages").glob("*.txt"))
        extra = [p for p in on_disk if p not in files]
        if bad or extra:
            print("differs from disk:", bad, "unexpected:", extra)
            return 1
        print("corpus on disk matches the generator (%d files)" % (len(files) + 1))
        return 0

    (OUT_DIR / "pages").mkdir(parents=True, exist_ok=True)
    for p in (OUT_DIR / "pages").glob("*.txt"):
        if str(p.relative_to(ROOT)) not in files:
            p.unlink()
    for rel, data in files.items():
        (ROOT / rel).write_bytes(data)
    TRUTH_PATH.parent.mkdir(parents=True, exist_ok=True)
    TRUTH_PATH.write_bytes(truth_bytes)

    # ---------------- summary ----------------
    print("Wrote %d documents:" % truth["documents"]["total"])
    for f, c in sorted(counts.items()):
        print("  %-40s %4d" % (f, c))
    print("\nNear-duplicate groups (J to the group's first document):")
    print("  %-44s %-44s %6s  %s" % ("original", "variant", "J", "edit"))
    for d in near_d:
        for k, v in d["j_to_first"].items():
            flag = " *" if v < 0.85 else ""
            print("  %-44s %-44s %6.3f%s  %s" % (d["original"], k, v, flag, d["edits"][k]))
    print("  (* = deliberately borderline, 0.80 <= J < 0.85)")
    print("\nExact-duplicate groups (identical after NFC/lowercase/punctuation/whitespace normalisation):")
    for d in exact_d:
        for k, v in d["kinds"].items():
            print("  %-44s %-44s %s" % (d["original"], k, v))
    js = [p["j"] for p in chrome]
    print("\nDistinct same-site pairs (shared chrome, same topic): %d pairs, J min %.3f / max %.3f"
          % (len(js), min(js), max(js)))
    print("Highest J between documents of different groups: %.3f %s"
          % (maxu[0], [ids[x] for x in maxu[1]]))
    print("Near groups: %d, exact groups: %d, truth: %s" % (len(near_d), len(exact_d), TRUTH_PATH.relative_to(ROOT)))
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
