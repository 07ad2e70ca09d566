//! 1000 trivial smoke tests for the benchmarks (generated; `t0` … `t999`).
//!
//! Also [`FUNCTIONS`], the same functions for the bare-loop baseline.

use smoketest::smoke_test;

#[smoke_test]
fn t000() {}
#[smoke_test]
fn t001() {}
#[smoke_test]
fn t002() {}
#[smoke_test]
fn t003() {}
#[smoke_test]
fn t004() {}
#[smoke_test]
fn t005() {}
#[smoke_test]
fn t006() {}
#[smoke_test]
fn t007() {}
#[smoke_test]
fn t008() {}
#[smoke_test]
fn t009() {}
#[smoke_test]
fn t010() {}
#[smoke_test]
fn t011() {}
#[smoke_test]
fn t012() {}
#[smoke_test]
fn t013() {}
#[smoke_test]
fn t014() {}
#[smoke_test]
fn t015() {}
#[smoke_test]
fn t016() {}
#[smoke_test]
fn t017() {}
#[smoke_test]
fn t018() {}
#[smoke_test]
fn t019() {}
#[smoke_test]
fn t020() {}
#[smoke_test]
fn t021() {}
#[smoke_test]
fn t022() {}
#[smoke_test]
fn t023() {}
#[smoke_test]
fn t024() {}
#[smoke_test]
fn t025() {}
#[smoke_test]
fn t026() {}
#[smoke_test]
fn t027() {}
#[smoke_test]
fn t028() {}
#[smoke_test]
fn t029() {}
#[smoke_test]
fn t030() {}
#[smoke_test]
fn t031() {}
#[smoke_test]
fn t032() {}
#[smoke_test]
fn t033() {}
#[smoke_test]
fn t034() {}
#[smoke_test]
fn t035() {}
#[smoke_test]
fn t036() {}
#[smoke_test]
fn t037() {}
#[smoke_test]
fn t038() {}
#[smoke_test]
fn t039() {}
#[smoke_test]
fn t040() {}
#[smoke_test]
fn t041() {}
#[smoke_test]
fn t042() {}
#[smoke_test]
fn t043() {}
#[smoke_test]
fn t044() {}
#[smoke_test]
fn t045() {}
#[smoke_test]
fn t046() {}
#[smoke_test]
fn t047() {}
#[smoke_test]
fn t048() {}
#[smoke_test]
fn t049() {}
#[smoke_test]
fn t050() {}
#[smoke_test]
fn t051() {}
#[smoke_test]
fn t052() {}
#[smoke_test]
fn t053() {}
#[smoke_test]
fn t054() {}
#[smoke_test]
fn t055() {}
#[smoke_test]
fn t056() {}
#[smoke_test]
fn t057() {}
#[smoke_test]
fn t058() {}
#[smoke_test]
fn t059() {}
#[smoke_test]
fn t060() {}
#[smoke_test]
fn t061() {}
#[smoke_test]
fn t062() {}
#[smoke_test]
fn t063() {}
#[smoke_test]
fn t064() {}
#[smoke_test]
fn t065() {}
#[smoke_test]
fn t066() {}
#[smoke_test]
fn t067() {}
#[smoke_test]
fn t068() {}
#[smoke_test]
fn t069() {}
#[smoke_test]
fn t070() {}
#[smoke_test]
fn t071() {}
#[smoke_test]
fn t072() {}
#[smoke_test]
fn t073() {}
#[smoke_test]
fn t074() {}
#[smoke_test]
fn t075() {}
#[smoke_test]
fn t076() {}
#[smoke_test]
fn t077() {}
#[smoke_test]
fn t078() {}
#[smoke_test]
fn t079() {}
#[smoke_test]
fn t080() {}
#[smoke_test]
fn t081() {}
#[smoke_test]
fn t082() {}
#[smoke_test]
fn t083() {}
#[smoke_test]
fn t084() {}
#[smoke_test]
fn t085() {}
#[smoke_test]
fn t086() {}
#[smoke_test]
fn t087() {}
#[smoke_test]
fn t088() {}
#[smoke_test]
fn t089() {}
#[smoke_test]
fn t090() {}
#[smoke_test]
fn t091() {}
#[smoke_test]
fn t092() {}
#[smoke_test]
fn t093() {}
#[smoke_test]
fn t094() {}
#[smoke_test]
fn t095() {}
#[smoke_test]
fn t096() {}
#[smoke_test]
fn t097() {}
#[smoke_test]
fn t098() {}
#[smoke_test]
fn t099() {}
#[smoke_test]
fn t100() {}
#[smoke_test]
fn t101() {}
#[smoke_test]
fn t102() {}
#[smoke_test]
fn t103() {}
#[smoke_test]
fn t104() {}
#[smoke_test]
fn t105() {}
#[smoke_test]
fn t106() {}
#[smoke_test]
fn t107() {}
#[smoke_test]
fn t108() {}
#[smoke_test]
fn t109() {}
#[smoke_test]
fn t110() {}
#[smoke_test]
fn t111() {}
#[smoke_test]
fn t112() {}
#[smoke_test]
fn t113() {}
#[smoke_test]
fn t114() {}
#[smoke_test]
fn t115() {}
#[smoke_test]
fn t116() {}
#[smoke_test]
fn t117() {}
#[smoke_test]
fn t118() {}
#[smoke_test]
fn t119() {}
#[smoke_test]
fn t120() {}
#[smoke_test]
fn t121() {}
#[smoke_test]
fn t122() {}
#[smoke_test]
fn t123() {}
#[smoke_test]
fn t124() {}
#[smoke_test]
fn t125() {}
#[smoke_test]
fn t126() {}
#[smoke_test]
fn t127() {}
#[smoke_test]
fn t128() {}
#[smoke_test]
fn t129() {}
#[smoke_test]
fn t130() {}
#[smoke_test]
fn t131() {}
#[smoke_test]
fn t132() {}
#[smoke_test]
fn t133() {}
#[smoke_test]
fn t134() {}
#[smoke_test]
fn t135() {}
#[smoke_test]
fn t136() {}
#[smoke_test]
fn t137() {}
#[smoke_test]
fn t138() {}
#[smoke_test]
fn t139() {}
#[smoke_test]
fn t140() {}
#[smoke_test]
fn t141() {}
#[smoke_test]
fn t142() {}
#[smoke_test]
fn t143() {}
#[smoke_test]
fn t144() {}
#[smoke_test]
fn t145() {}
#[smoke_test]
fn t146() {}
#[smoke_test]
fn t147() {}
#[smoke_test]
fn t148() {}
#[smoke_test]
fn t149() {}
#[smoke_test]
fn t150() {}
#[smoke_test]
fn t151() {}
#[smoke_test]
fn t152() {}
#[smoke_test]
fn t153() {}
#[smoke_test]
fn t154() {}
#[smoke_test]
fn t155() {}
#[smoke_test]
fn t156() {}
#[smoke_test]
fn t157() {}
#[smoke_test]
fn t158() {}
#[smoke_test]
fn t159() {}
#[smoke_test]
fn t160() {}
#[smoke_test]
fn t161() {}
#[smoke_test]
fn t162() {}
#[smoke_test]
fn t163() {}
#[smoke_test]
fn t164() {}
#[smoke_test]
fn t165() {}
#[smoke_test]
fn t166() {}
#[smoke_test]
fn t167() {}
#[smoke_test]
fn t168() {}
#[smoke_test]
fn t169() {}
#[smoke_test]
fn t170() {}
#[smoke_test]
fn t171() {}
#[smoke_test]
fn t172() {}
#[smoke_test]
fn t173() {}
#[smoke_test]
fn t174() {}
#[smoke_test]
fn t175() {}
#[smoke_test]
fn t176() {}
#[smoke_test]
fn t177() {}
#[smoke_test]
fn t178() {}
#[smoke_test]
fn t179() {}
#[smoke_test]
fn t180() {}
#[smoke_test]
fn t181() {}
#[smoke_test]
fn t182() {}
#[smoke_test]
fn t183() {}
#[smoke_test]
fn t184() {}
#[smoke_test]
fn t185() {}
#[smoke_test]
fn t186() {}
#[smoke_test]
fn t187() {}
#[smoke_test]
fn t188() {}
#[smoke_test]
fn t189() {}
#[smoke_test]
fn t190() {}
#[smoke_test]
fn t191() {}
#[smoke_test]
fn t192() {}
#[smoke_test]
fn t193() {}
#[smoke_test]
fn t194() {}
#[smoke_test]
fn t195() {}
#[smoke_test]
fn t196() {}
#[smoke_test]
fn t197() {}
#[smoke_test]
fn t198() {}
#[smoke_test]
fn t199() {}
#[smoke_test]
fn t200() {}
#[smoke_test]
fn t201() {}
#[smoke_test]
fn t202() {}
#[smoke_test]
fn t203() {}
#[smoke_test]
fn t204() {}
#[smoke_test]
fn t205() {}
#[smoke_test]
fn t206() {}
#[smoke_test]
fn t207() {}
#[smoke_test]
fn t208() {}
#[smoke_test]
fn t209() {}
#[smoke_test]
fn t210() {}
#[smoke_test]
fn t211() {}
#[smoke_test]
fn t212() {}
#[smoke_test]
fn t213() {}
#[smoke_test]
fn t214() {}
#[smoke_test]
fn t215() {}
#[smoke_test]
fn t216() {}
#[smoke_test]
fn t217() {}
#[smoke_test]
fn t218() {}
#[smoke_test]
fn t219() {}
#[smoke_test]
fn t220() {}
#[smoke_test]
fn t221() {}
#[smoke_test]
fn t222() {}
#[smoke_test]
fn t223() {}
#[smoke_test]
fn t224() {}
#[smoke_test]
fn t225() {}
#[smoke_test]
fn t226() {}
#[smoke_test]
fn t227() {}
#[smoke_test]
fn t228() {}
#[smoke_test]
fn t229() {}
#[smoke_test]
fn t230() {}
#[smoke_test]
fn t231() {}
#[smoke_test]
fn t232() {}
#[smoke_test]
fn t233() {}
#[smoke_test]
fn t234() {}
#[smoke_test]
fn t235() {}
#[smoke_test]
fn t236() {}
#[smoke_test]
fn t237() {}
#[smoke_test]
fn t238() {}
#[smoke_test]
fn t239() {}
#[smoke_test]
fn t240() {}
#[smoke_test]
fn t241() {}
#[smoke_test]
fn t242() {}
#[smoke_test]
fn t243() {}
#[smoke_test]
fn t244() {}
#[smoke_test]
fn t245() {}
#[smoke_test]
fn t246() {}
#[smoke_test]
fn t247() {}
#[smoke_test]
fn t248() {}
#[smoke_test]
fn t249() {}
#[smoke_test]
fn t250() {}
#[smoke_test]
fn t251() {}
#[smoke_test]
fn t252() {}
#[smoke_test]
fn t253() {}
#[smoke_test]
fn t254() {}
#[smoke_test]
fn t255() {}
#[smoke_test]
fn t256() {}
#[smoke_test]
fn t257() {}
#[smoke_test]
fn t258() {}
#[smoke_test]
fn t259() {}
#[smoke_test]
fn t260() {}
#[smoke_test]
fn t261() {}
#[smoke_test]
fn t262() {}
#[smoke_test]
fn t263() {}
#[smoke_test]
fn t264() {}
#[smoke_test]
fn t265() {}
#[smoke_test]
fn t266() {}
#[smoke_test]
fn t267() {}
#[smoke_test]
fn t268() {}
#[smoke_test]
fn t269() {}
#[smoke_test]
fn t270() {}
#[smoke_test]
fn t271() {}
#[smoke_test]
fn t272() {}
#[smoke_test]
fn t273() {}
#[smoke_test]
fn t274() {}
#[smoke_test]
fn t275() {}
#[smoke_test]
fn t276() {}
#[smoke_test]
fn t277() {}
#[smoke_test]
fn t278() {}
#[smoke_test]
fn t279() {}
#[smoke_test]
fn t280() {}
#[smoke_test]
fn t281() {}
#[smoke_test]
fn t282() {}
#[smoke_test]
fn t283() {}
#[smoke_test]
fn t284() {}
#[smoke_test]
fn t285() {}
#[smoke_test]
fn t286() {}
#[smoke_test]
fn t287() {}
#[smoke_test]
fn t288() {}
#[smoke_test]
fn t289() {}
#[smoke_test]
fn t290() {}
#[smoke_test]
fn t291() {}
#[smoke_test]
fn t292() {}
#[smoke_test]
fn t293() {}
#[smoke_test]
fn t294() {}
#[smoke_test]
fn t295() {}
#[smoke_test]
fn t296() {}
#[smoke_test]
fn t297() {}
#[smoke_test]
fn t298() {}
#[smoke_test]
fn t299() {}
#[smoke_test]
fn t300() {}
#[smoke_test]
fn t301() {}
#[smoke_test]
fn t302() {}
#[smoke_test]
fn t303() {}
#[smoke_test]
fn t304() {}
#[smoke_test]
fn t305() {}
#[smoke_test]
fn t306() {}
#[smoke_test]
fn t307() {}
#[smoke_test]
fn t308() {}
#[smoke_test]
fn t309() {}
#[smoke_test]
fn t310() {}
#[smoke_test]
fn t311() {}
#[smoke_test]
fn t312() {}
#[smoke_test]
fn t313() {}
#[smoke_test]
fn t314() {}
#[smoke_test]
fn t315() {}
#[smoke_test]
fn t316() {}
#[smoke_test]
fn t317() {}
#[smoke_test]
fn t318() {}
#[smoke_test]
fn t319() {}
#[smoke_test]
fn t320() {}
#[smoke_test]
fn t321() {}
#[smoke_test]
fn t322() {}
#[smoke_test]
fn t323() {}
#[smoke_test]
fn t324() {}
#[smoke_test]
fn t325() {}
#[smoke_test]
fn t326() {}
#[smoke_test]
fn t327() {}
#[smoke_test]
fn t328() {}
#[smoke_test]
fn t329() {}
#[smoke_test]
fn t330() {}
#[smoke_test]
fn t331() {}
#[smoke_test]
fn t332() {}
#[smoke_test]
fn t333() {}
#[smoke_test]
fn t334() {}
#[smoke_test]
fn t335() {}
#[smoke_test]
fn t336() {}
#[smoke_test]
fn t337() {}
#[smoke_test]
fn t338() {}
#[smoke_test]
fn t339() {}
#[smoke_test]
fn t340() {}
#[smoke_test]
fn t341() {}
#[smoke_test]
fn t342() {}
#[smoke_test]
fn t343() {}
#[smoke_test]
fn t344() {}
#[smoke_test]
fn t345() {}
#[smoke_test]
fn t346() {}
#[smoke_test]
fn t347() {}
#[smoke_test]
fn t348() {}
#[smoke_test]
fn t349() {}
#[smoke_test]
fn t350() {}
#[smoke_test]
fn t351() {}
#[smoke_test]
fn t352() {}
#[smoke_test]
fn t353() {}
#[smoke_test]
fn t354() {}
#[smoke_test]
fn t355() {}
#[smoke_test]
fn t356() {}
#[smoke_test]
fn t357() {}
#[smoke_test]
fn t358() {}
#[smoke_test]
fn t359() {}
#[smoke_test]
fn t360() {}
#[smoke_test]
fn t361() {}
#[smoke_test]
fn t362() {}
#[smoke_test]
fn t363() {}
#[smoke_test]
fn t364() {}
#[smoke_test]
fn t365() {}
#[smoke_test]
fn t366() {}
#[smoke_test]
fn t367() {}
#[smoke_test]
fn t368() {}
#[smoke_test]
fn t369() {}
#[smoke_test]
fn t370() {}
#[smoke_test]
fn t371() {}
#[smoke_test]
fn t372() {}
#[smoke_test]
fn t373() {}
#[smoke_test]
fn t374() {}
#[smoke_test]
fn t375() {}
#[smoke_test]
fn t376() {}
#[smoke_test]
fn t377() {}
#[smoke_test]
fn t378() {}
#[smoke_test]
fn t379() {}
#[smoke_test]
fn t380() {}
#[smoke_test]
fn t381() {}
#[smoke_test]
fn t382() {}
#[smoke_test]
fn t383() {}
#[smoke_test]
fn t384() {}
#[smoke_test]
fn t385() {}
#[smoke_test]
fn t386() {}
#[smoke_test]
fn t387() {}
#[smoke_test]
fn t388() {}
#[smoke_test]
fn t389() {}
#[smoke_test]
fn t390() {}
#[smoke_test]
fn t391() {}
#[smoke_test]
fn t392() {}
#[smoke_test]
fn t393() {}
#[smoke_test]
fn t394() {}
#[smoke_test]
fn t395() {}
#[smoke_test]
fn t396() {}
#[smoke_test]
fn t397() {}
#[smoke_test]
fn t398() {}
#[smoke_test]
fn t399() {}
#[smoke_test]
fn t400() {}
#[smoke_test]
fn t401() {}
#[smoke_test]
fn t402() {}
#[smoke_test]
fn t403() {}
#[smoke_test]
fn t404() {}
#[smoke_test]
fn t405() {}
#[smoke_test]
fn t406() {}
#[smoke_test]
fn t407() {}
#[smoke_test]
fn t408() {}
#[smoke_test]
fn t409() {}
#[smoke_test]
fn t410() {}
#[smoke_test]
fn t411() {}
#[smoke_test]
fn t412() {}
#[smoke_test]
fn t413() {}
#[smoke_test]
fn t414() {}
#[smoke_test]
fn t415() {}
#[smoke_test]
fn t416() {}
#[smoke_test]
fn t417() {}
#[smoke_test]
fn t418() {}
#[smoke_test]
fn t419() {}
#[smoke_test]
fn t420() {}
#[smoke_test]
fn t421() {}
#[smoke_test]
fn t422() {}
#[smoke_test]
fn t423() {}
#[smoke_test]
fn t424() {}
#[smoke_test]
fn t425() {}
#[smoke_test]
fn t426() {}
#[smoke_test]
fn t427() {}
#[smoke_test]
fn t428() {}
#[smoke_test]
fn t429() {}
#[smoke_test]
fn t430() {}
#[smoke_test]
fn t431() {}
#[smoke_test]
fn t432() {}
#[smoke_test]
fn t433() {}
#[smoke_test]
fn t434() {}
#[smoke_test]
fn t435() {}
#[smoke_test]
fn t436() {}
#[smoke_test]
fn t437() {}
#[smoke_test]
fn t438() {}
#[smoke_test]
fn t439() {}
#[smoke_test]
fn t440() {}
#[smoke_test]
fn t441() {}
#[smoke_test]
fn t442() {}
#[smoke_test]
fn t443() {}
#[smoke_test]
fn t444() {}
#[smoke_test]
fn t445() {}
#[smoke_test]
fn t446() {}
#[smoke_test]
fn t447() {}
#[smoke_test]
fn t448() {}
#[smoke_test]
fn t449() {}
#[smoke_test]
fn t450() {}
#[smoke_test]
fn t451() {}
#[smoke_test]
fn t452() {}
#[smoke_test]
fn t453() {}
#[smoke_test]
fn t454() {}
#[smoke_test]
fn t455() {}
#[smoke_test]
fn t456() {}
#[smoke_test]
fn t457() {}
#[smoke_test]
fn t458() {}
#[smoke_test]
fn t459() {}
#[smoke_test]
fn t460() {}
#[smoke_test]
fn t461() {}
#[smoke_test]
fn t462() {}
#[smoke_test]
fn t463() {}
#[smoke_test]
fn t464() {}
#[smoke_test]
fn t465() {}
#[smoke_test]
fn t466() {}
#[smoke_test]
fn t467() {}
#[smoke_test]
fn t468() {}
#[smoke_test]
fn t469() {}
#[smoke_test]
fn t470() {}
#[smoke_test]
fn t471() {}
#[smoke_test]
fn t472() {}
#[smoke_test]
fn t473() {}
#[smoke_test]
fn t474() {}
#[smoke_test]
fn t475() {}
#[smoke_test]
fn t476() {}
#[smoke_test]
fn t477() {}
#[smoke_test]
fn t478() {}
#[smoke_test]
fn t479() {}
#[smoke_test]
fn t480() {}
#[smoke_test]
fn t481() {}
#[smoke_test]
fn t482() {}
#[smoke_test]
fn t483() {}
#[smoke_test]
fn t484() {}
#[smoke_test]
fn t485() {}
#[smoke_test]
fn t486() {}
#[smoke_test]
fn t487() {}
#[smoke_test]
fn t488() {}
#[smoke_test]
fn t489() {}
#[smoke_test]
fn t490() {}
#[smoke_test]
fn t491() {}
#[smoke_test]
fn t492() {}
#[smoke_test]
fn t493() {}
#[smoke_test]
fn t494() {}
#[smoke_test]
fn t495() {}
#[smoke_test]
fn t496() {}
#[smoke_test]
fn t497() {}
#[smoke_test]
fn t498() {}
#[smoke_test]
fn t499() {}
#[smoke_test]
fn t500() {}
#[smoke_test]
fn t501() {}
#[smoke_test]
fn t502() {}
#[smoke_test]
fn t503() {}
#[smoke_test]
fn t504() {}
#[smoke_test]
fn t505() {}
#[smoke_test]
fn t506() {}
#[smoke_test]
fn t507() {}
#[smoke_test]
fn t508() {}
#[smoke_test]
fn t509() {}
#[smoke_test]
fn t510() {}
#[smoke_test]
fn t511() {}
#[smoke_test]
fn t512() {}
#[smoke_test]
fn t513() {}
#[smoke_test]
fn t514() {}
#[smoke_test]
fn t515() {}
#[smoke_test]
fn t516() {}
#[smoke_test]
fn t517() {}
#[smoke_test]
fn t518() {}
#[smoke_test]
fn t519() {}
#[smoke_test]
fn t520() {}
#[smoke_test]
fn t521() {}
#[smoke_test]
fn t522() {}
#[smoke_test]
fn t523() {}
#[smoke_test]
fn t524() {}
#[smoke_test]
fn t525() {}
#[smoke_test]
fn t526() {}
#[smoke_test]
fn t527() {}
#[smoke_test]
fn t528() {}
#[smoke_test]
fn t529() {}
#[smoke_test]
fn t530() {}
#[smoke_test]
fn t531() {}
#[smoke_test]
fn t532() {}
#[smoke_test]
fn t533() {}
#[smoke_test]
fn t534() {}
#[smoke_test]
fn t535() {}
#[smoke_test]
fn t536() {}
#[smoke_test]
fn t537() {}
#[smoke_test]
fn t538() {}
#[smoke_test]
fn t539() {}
#[smoke_test]
fn t540() {}
#[smoke_test]
fn t541() {}
#[smoke_test]
fn t542() {}
#[smoke_test]
fn t543() {}
#[smoke_test]
fn t544() {}
#[smoke_test]
fn t545() {}
#[smoke_test]
fn t546() {}
#[smoke_test]
fn t547() {}
#[smoke_test]
fn t548() {}
#[smoke_test]
fn t549() {}
#[smoke_test]
fn t550() {}
#[smoke_test]
fn t551() {}
#[smoke_test]
fn t552() {}
#[smoke_test]
fn t553() {}
#[smoke_test]
fn t554() {}
#[smoke_test]
fn t555() {}
#[smoke_test]
fn t556() {}
#[smoke_test]
fn t557() {}
#[smoke_test]
fn t558() {}
#[smoke_test]
fn t559() {}
#[smoke_test]
fn t560() {}
#[smoke_test]
fn t561() {}
#[smoke_test]
fn t562() {}
#[smoke_test]
fn t563() {}
#[smoke_test]
fn t564() {}
#[smoke_test]
fn t565() {}
#[smoke_test]
fn t566() {}
#[smoke_test]
fn t567() {}
#[smoke_test]
fn t568() {}
#[smoke_test]
fn t569() {}
#[smoke_test]
fn t570() {}
#[smoke_test]
fn t571() {}
#[smoke_test]
fn t572() {}
#[smoke_test]
fn t573() {}
#[smoke_test]
fn t574() {}
#[smoke_test]
fn t575() {}
#[smoke_test]
fn t576() {}
#[smoke_test]
fn t577() {}
#[smoke_test]
fn t578() {}
#[smoke_test]
fn t579() {}
#[smoke_test]
fn t580() {}
#[smoke_test]
fn t581() {}
#[smoke_test]
fn t582() {}
#[smoke_test]
fn t583() {}
#[smoke_test]
fn t584() {}
#[smoke_test]
fn t585() {}
#[smoke_test]
fn t586() {}
#[smoke_test]
fn t587() {}
#[smoke_test]
fn t588() {}
#[smoke_test]
fn t589() {}
#[smoke_test]
fn t590() {}
#[smoke_test]
fn t591() {}
#[smoke_test]
fn t592() {}
#[smoke_test]
fn t593() {}
#[smoke_test]
fn t594() {}
#[smoke_test]
fn t595() {}
#[smoke_test]
fn t596() {}
#[smoke_test]
fn t597() {}
#[smoke_test]
fn t598() {}
#[smoke_test]
fn t599() {}
#[smoke_test]
fn t600() {}
#[smoke_test]
fn t601() {}
#[smoke_test]
fn t602() {}
#[smoke_test]
fn t603() {}
#[smoke_test]
fn t604() {}
#[smoke_test]
fn t605() {}
#[smoke_test]
fn t606() {}
#[smoke_test]
fn t607() {}
#[smoke_test]
fn t608() {}
#[smoke_test]
fn t609() {}
#[smoke_test]
fn t610() {}
#[smoke_test]
fn t611() {}
#[smoke_test]
fn t612() {}
#[smoke_test]
fn t613() {}
#[smoke_test]
fn t614() {}
#[smoke_test]
fn t615() {}
#[smoke_test]
fn t616() {}
#[smoke_test]
fn t617() {}
#[smoke_test]
fn t618() {}
#[smoke_test]
fn t619() {}
#[smoke_test]
fn t620() {}
#[smoke_test]
fn t621() {}
#[smoke_test]
fn t622() {}
#[smoke_test]
fn t623() {}
#[smoke_test]
fn t624() {}
#[smoke_test]
fn t625() {}
#[smoke_test]
fn t626() {}
#[smoke_test]
fn t627() {}
#[smoke_test]
fn t628() {}
#[smoke_test]
fn t629() {}
#[smoke_test]
fn t630() {}
#[smoke_test]
fn t631() {}
#[smoke_test]
fn t632() {}
#[smoke_test]
fn t633() {}
#[smoke_test]
fn t634() {}
#[smoke_test]
fn t635() {}
#[smoke_test]
fn t636() {}
#[smoke_test]
fn t637() {}
#[smoke_test]
fn t638() {}
#[smoke_test]
fn t639() {}
#[smoke_test]
fn t640() {}
#[smoke_test]
fn t641() {}
#[smoke_test]
fn t642() {}
#[smoke_test]
fn t643() {}
#[smoke_test]
fn t644() {}
#[smoke_test]
fn t645() {}
#[smoke_test]
fn t646() {}
#[smoke_test]
fn t647() {}
#[smoke_test]
fn t648() {}
#[smoke_test]
fn t649() {}
#[smoke_test]
fn t650() {}
#[smoke_test]
fn t651() {}
#[smoke_test]
fn t652() {}
#[smoke_test]
fn t653() {}
#[smoke_test]
fn t654() {}
#[smoke_test]
fn t655() {}
#[smoke_test]
fn t656() {}
#[smoke_test]
fn t657() {}
#[smoke_test]
fn t658() {}
#[smoke_test]
fn t659() {}
#[smoke_test]
fn t660() {}
#[smoke_test]
fn t661() {}
#[smoke_test]
fn t662() {}
#[smoke_test]
fn t663() {}
#[smoke_test]
fn t664() {}
#[smoke_test]
fn t665() {}
#[smoke_test]
fn t666() {}
#[smoke_test]
fn t667() {}
#[smoke_test]
fn t668() {}
#[smoke_test]
fn t669() {}
#[smoke_test]
fn t670() {}
#[smoke_test]
fn t671() {}
#[smoke_test]
fn t672() {}
#[smoke_test]
fn t673() {}
#[smoke_test]
fn t674() {}
#[smoke_test]
fn t675() {}
#[smoke_test]
fn t676() {}
#[smoke_test]
fn t677() {}
#[smoke_test]
fn t678() {}
#[smoke_test]
fn t679() {}
#[smoke_test]
fn t680() {}
#[smoke_test]
fn t681() {}
#[smoke_test]
fn t682() {}
#[smoke_test]
fn t683() {}
#[smoke_test]
fn t684() {}
#[smoke_test]
fn t685() {}
#[smoke_test]
fn t686() {}
#[smoke_test]
fn t687() {}
#[smoke_test]
fn t688() {}
#[smoke_test]
fn t689() {}
#[smoke_test]
fn t690() {}
#[smoke_test]
fn t691() {}
#[smoke_test]
fn t692() {}
#[smoke_test]
fn t693() {}
#[smoke_test]
fn t694() {}
#[smoke_test]
fn t695() {}
#[smoke_test]
fn t696() {}
#[smoke_test]
fn t697() {}
#[smoke_test]
fn t698() {}
#[smoke_test]
fn t699() {}
#[smoke_test]
fn t700() {}
#[smoke_test]
fn t701() {}
#[smoke_test]
fn t702() {}
#[smoke_test]
fn t703() {}
#[smoke_test]
fn t704() {}
#[smoke_test]
fn t705() {}
#[smoke_test]
fn t706() {}
#[smoke_test]
fn t707() {}
#[smoke_test]
fn t708() {}
#[smoke_test]
fn t709() {}
#[smoke_test]
fn t710() {}
#[smoke_test]
fn t711() {}
#[smoke_test]
fn t712() {}
#[smoke_test]
fn t713() {}
#[smoke_test]
fn t714() {}
#[smoke_test]
fn t715() {}
#[smoke_test]
fn t716() {}
#[smoke_test]
fn t717() {}
#[smoke_test]
fn t718() {}
#[smoke_test]
fn t719() {}
#[smoke_test]
fn t720() {}
#[smoke_test]
fn t721() {}
#[smoke_test]
fn t722() {}
#[smoke_test]
fn t723() {}
#[smoke_test]
fn t724() {}
#[smoke_test]
fn t725() {}
#[smoke_test]
fn t726() {}
#[smoke_test]
fn t727() {}
#[smoke_test]
fn t728() {}
#[smoke_test]
fn t729() {}
#[smoke_test]
fn t730() {}
#[smoke_test]
fn t731() {}
#[smoke_test]
fn t732() {}
#[smoke_test]
fn t733() {}
#[smoke_test]
fn t734() {}
#[smoke_test]
fn t735() {}
#[smoke_test]
fn t736() {}
#[smoke_test]
fn t737() {}
#[smoke_test]
fn t738() {}
#[smoke_test]
fn t739() {}
#[smoke_test]
fn t740() {}
#[smoke_test]
fn t741() {}
#[smoke_test]
fn t742() {}
#[smoke_test]
fn t743() {}
#[smoke_test]
fn t744() {}
#[smoke_test]
fn t745() {}
#[smoke_test]
fn t746() {}
#[smoke_test]
fn t747() {}
#[smoke_test]
fn t748() {}
#[smoke_test]
fn t749() {}
#[smoke_test]
fn t750() {}
#[smoke_test]
fn t751() {}
#[smoke_test]
fn t752() {}
#[smoke_test]
fn t753() {}
#[smoke_test]
fn t754() {}
#[smoke_test]
fn t755() {}
#[smoke_test]
fn t756() {}
#[smoke_test]
fn t757() {}
#[smoke_test]
fn t758() {}
#[smoke_test]
fn t759() {}
#[smoke_test]
fn t760() {}
#[smoke_test]
fn t761() {}
#[smoke_test]
fn t762() {}
#[smoke_test]
fn t763() {}
#[smoke_test]
fn t764() {}
#[smoke_test]
fn t765() {}
#[smoke_test]
fn t766() {}
#[smoke_test]
fn t767() {}
#[smoke_test]
fn t768() {}
#[smoke_test]
fn t769() {}
#[smoke_test]
fn t770() {}
#[smoke_test]
fn t771() {}
#[smoke_test]
fn t772() {}
#[smoke_test]
fn t773() {}
#[smoke_test]
fn t774() {}
#[smoke_test]
fn t775() {}
#[smoke_test]
fn t776() {}
#[smoke_test]
fn t777() {}
#[smoke_test]
fn t778() {}
#[smoke_test]
fn t779() {}
#[smoke_test]
fn t780() {}
#[smoke_test]
fn t781() {}
#[smoke_test]
fn t782() {}
#[smoke_test]
fn t783() {}
#[smoke_test]
fn t784() {}
#[smoke_test]
fn t785() {}
#[smoke_test]
fn t786() {}
#[smoke_test]
fn t787() {}
#[smoke_test]
fn t788() {}
#[smoke_test]
fn t789() {}
#[smoke_test]
fn t790() {}
#[smoke_test]
fn t791() {}
#[smoke_test]
fn t792() {}
#[smoke_test]
fn t793() {}
#[smoke_test]
fn t794() {}
#[smoke_test]
fn t795() {}
#[smoke_test]
fn t796() {}
#[smoke_test]
fn t797() {}
#[smoke_test]
fn t798() {}
#[smoke_test]
fn t799() {}
#[smoke_test]
fn t800() {}
#[smoke_test]
fn t801() {}
#[smoke_test]
fn t802() {}
#[smoke_test]
fn t803() {}
#[smoke_test]
fn t804() {}
#[smoke_test]
fn t805() {}
#[smoke_test]
fn t806() {}
#[smoke_test]
fn t807() {}
#[smoke_test]
fn t808() {}
#[smoke_test]
fn t809() {}
#[smoke_test]
fn t810() {}
#[smoke_test]
fn t811() {}
#[smoke_test]
fn t812() {}
#[smoke_test]
fn t813() {}
#[smoke_test]
fn t814() {}
#[smoke_test]
fn t815() {}
#[smoke_test]
fn t816() {}
#[smoke_test]
fn t817() {}
#[smoke_test]
fn t818() {}
#[smoke_test]
fn t819() {}
#[smoke_test]
fn t820() {}
#[smoke_test]
fn t821() {}
#[smoke_test]
fn t822() {}
#[smoke_test]
fn t823() {}
#[smoke_test]
fn t824() {}
#[smoke_test]
fn t825() {}
#[smoke_test]
fn t826() {}
#[smoke_test]
fn t827() {}
#[smoke_test]
fn t828() {}
#[smoke_test]
fn t829() {}
#[smoke_test]
fn t830() {}
#[smoke_test]
fn t831() {}
#[smoke_test]
fn t832() {}
#[smoke_test]
fn t833() {}
#[smoke_test]
fn t834() {}
#[smoke_test]
fn t835() {}
#[smoke_test]
fn t836() {}
#[smoke_test]
fn t837() {}
#[smoke_test]
fn t838() {}
#[smoke_test]
fn t839() {}
#[smoke_test]
fn t840() {}
#[smoke_test]
fn t841() {}
#[smoke_test]
fn t842() {}
#[smoke_test]
fn t843() {}
#[smoke_test]
fn t844() {}
#[smoke_test]
fn t845() {}
#[smoke_test]
fn t846() {}
#[smoke_test]
fn t847() {}
#[smoke_test]
fn t848() {}
#[smoke_test]
fn t849() {}
#[smoke_test]
fn t850() {}
#[smoke_test]
fn t851() {}
#[smoke_test]
fn t852() {}
#[smoke_test]
fn t853() {}
#[smoke_test]
fn t854() {}
#[smoke_test]
fn t855() {}
#[smoke_test]
fn t856() {}
#[smoke_test]
fn t857() {}
#[smoke_test]
fn t858() {}
#[smoke_test]
fn t859() {}
#[smoke_test]
fn t860() {}
#[smoke_test]
fn t861() {}
#[smoke_test]
fn t862() {}
#[smoke_test]
fn t863() {}
#[smoke_test]
fn t864() {}
#[smoke_test]
fn t865() {}
#[smoke_test]
fn t866() {}
#[smoke_test]
fn t867() {}
#[smoke_test]
fn t868() {}
#[smoke_test]
fn t869() {}
#[smoke_test]
fn t870() {}
#[smoke_test]
fn t871() {}
#[smoke_test]
fn t872() {}
#[smoke_test]
fn t873() {}
#[smoke_test]
fn t874() {}
#[smoke_test]
fn t875() {}
#[smoke_test]
fn t876() {}
#[smoke_test]
fn t877() {}
#[smoke_test]
fn t878() {}
#[smoke_test]
fn t879() {}
#[smoke_test]
fn t880() {}
#[smoke_test]
fn t881() {}
#[smoke_test]
fn t882() {}
#[smoke_test]
fn t883() {}
#[smoke_test]
fn t884() {}
#[smoke_test]
fn t885() {}
#[smoke_test]
fn t886() {}
#[smoke_test]
fn t887() {}
#[smoke_test]
fn t888() {}
#[smoke_test]
fn t889() {}
#[smoke_test]
fn t890() {}
#[smoke_test]
fn t891() {}
#[smoke_test]
fn t892() {}
#[smoke_test]
fn t893() {}
#[smoke_test]
fn t894() {}
#[smoke_test]
fn t895() {}
#[smoke_test]
fn t896() {}
#[smoke_test]
fn t897() {}
#[smoke_test]
fn t898() {}
#[smoke_test]
fn t899() {}
#[smoke_test]
fn t900() {}
#[smoke_test]
fn t901() {}
#[smoke_test]
fn t902() {}
#[smoke_test]
fn t903() {}
#[smoke_test]
fn t904() {}
#[smoke_test]
fn t905() {}
#[smoke_test]
fn t906() {}
#[smoke_test]
fn t907() {}
#[smoke_test]
fn t908() {}
#[smoke_test]
fn t909() {}
#[smoke_test]
fn t910() {}
#[smoke_test]
fn t911() {}
#[smoke_test]
fn t912() {}
#[smoke_test]
fn t913() {}
#[smoke_test]
fn t914() {}
#[smoke_test]
fn t915() {}
#[smoke_test]
fn t916() {}
#[smoke_test]
fn t917() {}
#[smoke_test]
fn t918() {}
#[smoke_test]
fn t919() {}
#[smoke_test]
fn t920() {}
#[smoke_test]
fn t921() {}
#[smoke_test]
fn t922() {}
#[smoke_test]
fn t923() {}
#[smoke_test]
fn t924() {}
#[smoke_test]
fn t925() {}
#[smoke_test]
fn t926() {}
#[smoke_test]
fn t927() {}
#[smoke_test]
fn t928() {}
#[smoke_test]
fn t929() {}
#[smoke_test]
fn t930() {}
#[smoke_test]
fn t931() {}
#[smoke_test]
fn t932() {}
#[smoke_test]
fn t933() {}
#[smoke_test]
fn t934() {}
#[smoke_test]
fn t935() {}
#[smoke_test]
fn t936() {}
#[smoke_test]
fn t937() {}
#[smoke_test]
fn t938() {}
#[smoke_test]
fn t939() {}
#[smoke_test]
fn t940() {}
#[smoke_test]
fn t941() {}
#[smoke_test]
fn t942() {}
#[smoke_test]
fn t943() {}
#[smoke_test]
fn t944() {}
#[smoke_test]
fn t945() {}
#[smoke_test]
fn t946() {}
#[smoke_test]
fn t947() {}
#[smoke_test]
fn t948() {}
#[smoke_test]
fn t949() {}
#[smoke_test]
fn t950() {}
#[smoke_test]
fn t951() {}
#[smoke_test]
fn t952() {}
#[smoke_test]
fn t953() {}
#[smoke_test]
fn t954() {}
#[smoke_test]
fn t955() {}
#[smoke_test]
fn t956() {}
#[smoke_test]
fn t957() {}
#[smoke_test]
fn t958() {}
#[smoke_test]
fn t959() {}
#[smoke_test]
fn t960() {}
#[smoke_test]
fn t961() {}
#[smoke_test]
fn t962() {}
#[smoke_test]
fn t963() {}
#[smoke_test]
fn t964() {}
#[smoke_test]
fn t965() {}
#[smoke_test]
fn t966() {}
#[smoke_test]
fn t967() {}
#[smoke_test]
fn t968() {}
#[smoke_test]
fn t969() {}
#[smoke_test]
fn t970() {}
#[smoke_test]
fn t971() {}
#[smoke_test]
fn t972() {}
#[smoke_test]
fn t973() {}
#[smoke_test]
fn t974() {}
#[smoke_test]
fn t975() {}
#[smoke_test]
fn t976() {}
#[smoke_test]
fn t977() {}
#[smoke_test]
fn t978() {}
#[smoke_test]
fn t979() {}
#[smoke_test]
fn t980() {}
#[smoke_test]
fn t981() {}
#[smoke_test]
fn t982() {}
#[smoke_test]
fn t983() {}
#[smoke_test]
fn t984() {}
#[smoke_test]
fn t985() {}
#[smoke_test]
fn t986() {}
#[smoke_test]
fn t987() {}
#[smoke_test]
fn t988() {}
#[smoke_test]
fn t989() {}
#[smoke_test]
fn t990() {}
#[smoke_test]
fn t991() {}
#[smoke_test]
fn t992() {}
#[smoke_test]
fn t993() {}
#[smoke_test]
fn t994() {}
#[smoke_test]
fn t995() {}
#[smoke_test]
fn t996() {}
#[smoke_test]
fn t997() {}
#[smoke_test]
fn t998() {}
#[smoke_test]
fn t999() {}

/// The same functions, for the baseline: a bare loop calling them.
pub(crate) static FUNCTIONS: [fn(); 1000] = [
    t000, t001, t002, t003, t004, t005, t006, t007, t008, t009, t010, t011, t012, t013, t014, t015,
    t016, t017, t018, t019, t020, t021, t022, t023, t024, t025, t026, t027, t028, t029, t030, t031,
    t032, t033, t034, t035, t036, t037, t038, t039, t040, t041, t042, t043, t044, t045, t046, t047,
    t048, t049, t050, t051, t052, t053, t054, t055, t056, t057, t058, t059, t060, t061, t062, t063,
    t064, t065, t066, t067, t068, t069, t070, t071, t072, t073, t074, t075, t076, t077, t078, t079,
    t080, t081, t082, t083, t084, t085, t086, t087, t088, t089, t090, t091, t092, t093, t094, t095,
    t096, t097, t098, t099, t100, t101, t102, t103, t104, t105, t106, t107, t108, t109, t110, t111,
    t112, t113, t114, t115, t116, t117, t118, t119, t120, t121, t122, t123, t124, t125, t126, t127,
    t128, t129, t130, t131, t132, t133, t134, t135, t136, t137, t138, t139, t140, t141, t142, t143,
    t144, t145, t146, t147, t148, t149, t150, t151, t152, t153, t154, t155, t156, t157, t158, t159,
    t160, t161, t162, t163, t164, t165, t166, t167, t168, t169, t170, t171, t172, t173, t174, t175,
    t176, t177, t178, t179, t180, t181, t182, t183, t184, t185, t186, t187, t188, t189, t190, t191,
    t192, t193, t194, t195, t196, t197, t198, t199, t200, t201, t202, t203, t204, t205, t206, t207,
    t208, t209, t210, t211, t212, t213, t214, t215, t216, t217, t218, t219, t220, t221, t222, t223,
    t224, t225, t226, t227, t228, t229, t230, t231, t232, t233, t234, t235, t236, t237, t238, t239,
    t240, t241, t242, t243, t244, t245, t246, t247, t248, t249, t250, t251, t252, t253, t254, t255,
    t256, t257, t258, t259, t260, t261, t262, t263, t264, t265, t266, t267, t268, t269, t270, t271,
    t272, t273, t274, t275, t276, t277, t278, t279, t280, t281, t282, t283, t284, t285, t286, t287,
    t288, t289, t290, t291, t292, t293, t294, t295, t296, t297, t298, t299, t300, t301, t302, t303,
    t304, t305, t306, t307, t308, t309, t310, t311, t312, t313, t314, t315, t316, t317, t318, t319,
    t320, t321, t322, t323, t324, t325, t326, t327, t328, t329, t330, t331, t332, t333, t334, t335,
    t336, t337, t338, t339, t340, t341, t342, t343, t344, t345, t346, t347, t348, t349, t350, t351,
    t352, t353, t354, t355, t356, t357, t358, t359, t360, t361, t362, t363, t364, t365, t366, t367,
    t368, t369, t370, t371, t372, t373, t374, t375, t376, t377, t378, t379, t380, t381, t382, t383,
    t384, t385, t386, t387, t388, t389, t390, t391, t392, t393, t394, t395, t396, t397, t398, t399,
    t400, t401, t402, t403, t404, t405, t406, t407, t408, t409, t410, t411, t412, t413, t414, t415,
    t416, t417, t418, t419, t420, t421, t422, t423, t424, t425, t426, t427, t428, t429, t430, t431,
    t432, t433, t434, t435, t436, t437, t438, t439, t440, t441, t442, t443, t444, t445, t446, t447,
    t448, t449, t450, t451, t452, t453, t454, t455, t456, t457, t458, t459, t460, t461, t462, t463,
    t464, t465, t466, t467, t468, t469, t470, t471, t472, t473, t474, t475, t476, t477, t478, t479,
    t480, t481, t482, t483, t484, t485, t486, t487, t488, t489, t490, t491, t492, t493, t494, t495,
    t496, t497, t498, t499, t500, t501, t502, t503, t504, t505, t506, t507, t508, t509, t510, t511,
    t512, t513, t514, t515, t516, t517, t518, t519, t520, t521, t522, t523, t524, t525, t526, t527,
    t528, t529, t530, t531, t532, t533, t534, t535, t536, t537, t538, t539, t540, t541, t542, t543,
    t544, t545, t546, t547, t548, t549, t550, t551, t552, t553, t554, t555, t556, t557, t558, t559,
    t560, t561, t562, t563, t564, t565, t566, t567, t568, t569, t570, t571, t572, t573, t574, t575,
    t576, t577, t578, t579, t580, t581, t582, t583, t584, t585, t586, t587, t588, t589, t590, t591,
    t592, t593, t594, t595, t596, t597, t598, t599, t600, t601, t602, t603, t604, t605, t606, t607,
    t608, t609, t610, t611, t612, t613, t614, t615, t616, t617, t618, t619, t620, t621, t622, t623,
    t624, t625, t626, t627, t628, t629, t630, t631, t632, t633, t634, t635, t636, t637, t638, t639,
    t640, t641, t642, t643, t644, t645, t646, t647, t648, t649, t650, t651, t652, t653, t654, t655,
    t656, t657, t658, t659, t660, t661, t662, t663, t664, t665, t666, t667, t668, t669, t670, t671,
    t672, t673, t674, t675, t676, t677, t678, t679, t680, t681, t682, t683, t684, t685, t686, t687,
    t688, t689, t690, t691, t692, t693, t694, t695, t696, t697, t698, t699, t700, t701, t702, t703,
    t704, t705, t706, t707, t708, t709, t710, t711, t712, t713, t714, t715, t716, t717, t718, t719,
    t720, t721, t722, t723, t724, t725, t726, t727, t728, t729, t730, t731, t732, t733, t734, t735,
    t736, t737, t738, t739, t740, t741, t742, t743, t744, t745, t746, t747, t748, t749, t750, t751,
    t752, t753, t754, t755, t756, t757, t758, t759, t760, t761, t762, t763, t764, t765, t766, t767,
    t768, t769, t770, t771, t772, t773, t774, t775, t776, t777, t778, t779, t780, t781, t782, t783,
    t784, t785, t786, t787, t788, t789, t790, t791, t792, t793, t794, t795, t796, t797, t798, t799,
    t800, t801, t802, t803, t804, t805, t806, t807, t808, t809, t810, t811, t812, t813, t814, t815,
    t816, t817, t818, t819, t820, t821, t822, t823, t824, t825, t826, t827, t828, t829, t830, t831,
    t832, t833, t834, t835, t836, t837, t838, t839, t840, t841, t842, t843, t844, t845, t846, t847,
    t848, t849, t850, t851, t852, t853, t854, t855, t856, t857, t858, t859, t860, t861, t862, t863,
    t864, t865, t866, t867, t868, t869, t870, t871, t872, t873, t874, t875, t876, t877, t878, t879,
    t880, t881, t882, t883, t884, t885, t886, t887, t888, t889, t890, t891, t892, t893, t894, t895,
    t896, t897, t898, t899, t900, t901, t902, t903, t904, t905, t906, t907, t908, t909, t910, t911,
    t912, t913, t914, t915, t916, t917, t918, t919, t920, t921, t922, t923, t924, t925, t926, t927,
    t928, t929, t930, t931, t932, t933, t934, t935, t936, t937, t938, t939, t940, t941, t942, t943,
    t944, t945, t946, t947, t948, t949, t950, t951, t952, t953, t954, t955, t956, t957, t958, t959,
    t960, t961, t962, t963, t964, t965, t966, t967, t968, t969, t970, t971, t972, t973, t974, t975,
    t976, t977, t978, t979, t980, t981, t982, t983, t984, t985, t986, t987, t988, t989, t990, t991,
    t992, t993, t994, t995, t996, t997, t998, t999,
];
