"""Every number the gait decisions use, with where it comes from.

Figures come from ``shared/clinical/REFERENCE.md``; a value without published evidence is
marked ``clinician_default`` and says why it was chosen.
"""

from __future__ import annotations

from dorsi.catalog.sourced import Sourced

# --- plausibility gates for one stride -------------------------------------------------------
# The gates must let through the slow, uneven walk Dorsi exists for. What is published:
# - von Schroeder HP, Coutts RD, Lyden PD, Billings E, Nickel VL, J Rehabil Res Dev
#   1995;32(1):25-31 (foot switches, 49 ambulatory stroke patients; abstract checked): slower
#   walking, lower cadence, a longer gait cycle and more double support; the hemiplegic limb
#   spends more time in swing and less in stance than the unaffected one, whose stance and
#   single support are longer than controls'.
# - Nadeau, Betschart & Bethoux, Phys Med Rehabil Clin N Am 2013;24(2):265-76 (review): slower
#   gait with step and stride deviations; Patterson et al., Neurorehabil Neural Repair
#   2015;29(2):153-61: swing and stance time asymmetry growing in the years after a stroke.
# - An average stroke gait cycle of about 1.32 s with 40.5 % swing against 1.05 s and 39.6 % in
#   healthy walkers (Boudarham et al., PLoS One 2013;8(6):e66421, as quoted by a secondary
#   source; the table itself was not checked).
# - Walking speeds: household walkers below 0.4 m/s (Perry et al. 1995), a mean of 0.18 m/s
#   20-60 days after a stroke (Tilson et al., Phys Ther 2010;90(2):196-208); REFERENCE.md 2.5.
# No source found gives the extreme stride and swing times a video must accept, so the limits
# are clinician-set defaults set wide of those figures (the slowest clips seen: strides of
# about 2.5 s, a paretic swing of up to about 1.1 s); each says how it was chosen.
SLOW_STRIDE_S = Sourced(
    value=2.5,
    source="the slowest stride Dorsi must measure (cadence 48 steps a minute): about twice the "
    "1.32 s stroke average (Boudarham et al. 2013, secondary) as household walkers below "
    "0.4 m/s take (Perry et al. 1995; REFERENCE.md 2.5); the stride gate leaves a margin above "
    "it",
    evidence="clinician_default",
)
SWING_MIN_S = Sourced(
    value=0.25,
    source="gate: healthy swing at a brisk pace is about 0.35-0.4 s; shorter is a doubled event "
    "(plausibility gate named in Dorsi issue 4)",
    evidence="clinician_default",
)
STRIDE_MIN_S = Sourced(
    value=0.6,
    source="gate: faster than 100 strides a minute is running or a tracking error",
    evidence="clinician_default",
)
STRIDE_MAX_S = Sourced(
    value=round(SLOW_STRIDE_S.value * 1.2, 3),
    source="gate: slow walkers after a stroke or when frail take strides of up to about 2.5 s "
    "(SLOW_STRIDE_S), 3.0 s leaves a 20% margin (stride-to-stride variation grows at slow "
    "speeds); slower strides are pauses or lost tracking, not a walking cycle",
    evidence="clinician_default",
)
STANCE_FRACTION_MIN = Sourced(
    value=0.45,
    source="gate: stance is about 60% of a stride in healthy gait and shorter on the paretic "
    "side, whose swing is longer (von Schroeder et al. 1995, primary; 40.5% swing on average, "
    "Boudarham et al. 2013); below 45% the events are unlikely",
    evidence="clinician_default",
)
STANCE_FRACTION_MAX = Sourced(
    value=0.85,
    source="gate: the non-paretic stance and double support are longer after a stroke "
    "(von Schroeder et al. 1995, primary); above 85% the events are unlikely",
    evidence="clinician_default",
)
SWING_MAX_S = Sourced(
    value=STRIDE_MAX_S.value * (1.0 - STANCE_FRACTION_MIN.value),
    source="derived: the longest stride allowed (3.0 s) times the largest swing share allowed "
    "(1 - 0.45), so a slow stride with a long paretic swing (up to 1.65 s) is not refused for "
    "its swing alone; the old 0.8 s (issue 4) fitted healthy walkers only",
    evidence="clinician_default",
)
MIN_STRIDE_QUALITY = Sourced(
    value=0.5,
    source="gate: strides whose landmarks are mostly unsure or filled in are left out",
    evidence="clinician_default",
)

# --- events and the step rhythm (Dorsi's additions to Zeni et al. 2008) -----------------------
# Zeni JA, Richards JG, Higginson JS, Gait Posture 2008;27(4):710-4 gives the events (heel most
# ahead of the pelvis, toe most behind it). The rules below keep an unsure far leg and image
# noise from adding or dropping events; none of them is a published figure.
STEP_MIN_S = Sourced(
    value=0.3,
    source="half the shortest stride gate (0.6 s): the rhythm search looks for steps of "
    "0.3-1.5 s, cadence 40-200 steps a minute",
    evidence="clinician_default",
)
STEP_MAX_S = Sourced(
    value=1.5,
    source="half the longest stride gate (3.0 s); uneven steps after a stroke still give a "
    "front-foot signal whose rhythm is the mean step",
    evidence="clinician_default",
)
MIN_STEP_GAP_STEPS = Sourced(
    value=0.6,
    source="two heel strikes of either foot closer than 0.6 of the walk's step period are one "
    "strike seen twice (step times within a walk vary far less, even after a stroke)",
    evidence="clinician_default",
)
MIN_EVENT_GAP_STRIDES = Sourced(
    value=0.7,
    source="two heel strikes (or toe offs) of the same foot closer than 0.7 of the walk's "
    "stride period are one event doubled; matches the 30% stride consistency gate",
    evidence="clinician_default",
)
FALLBACK_EVENT_GAP_S = Sourced(
    value=0.5,
    source="minimum gap between same-foot events when no step rhythm was found "
    "(the previous fixed value)",
    evidence="clinician_default",
)
EVENT_PROMINENCE_FRACTION = Sourced(
    value=0.3,
    source="a turning point counts as an event only when it stands out by 30% of the "
    "signal's 5-95% range; the far leg's tracking wiggles stay below that",
    evidence="clinician_default",
)
MIN_PROMINENCE_SCALES = Sourced(
    value=0.25,
    source="and by at least a quarter of a hip-to-ankle length (the previous fixed value)",
    evidence="clinician_default",
)
STEP_CHAIN_GAP_STEPS = Sourced(
    value=1.5,
    source="heel strikes more than 1.5 step periods apart break the chain of alternating "
    "steps (a step was not seen, or the walk paused or turned)",
    evidence="clinician_default",
)
LABEL_MARGIN_FRACTION = Sourced(
    value=0.3,
    source="a leg label is trusted, exchanged or marked unseen at a heel strike by how far the "
    "labelled heels are apart there, as a fraction of the walk's typical step "
    "(below 0.3 the model put both labels on one leg)",
    evidence="clinician_default",
)
PARITY_VOTE_MARGIN = Sourced(
    value=0.1,
    source="which of two alternating feet is the left one is decided by the labelled heel "
    "strikes' votes (each -1 to +1); a chain is relabelled only when the votes lean at least "
    "0.1 per strike one way (5 of 8 strikes agreeing, say); a tie leaves the model's labels",
    evidence="clinician_default",
)
OTHER_STRIKE_FRACTION = (
    Sourced(
        value=0.25,
        source="the other foot strikes about halfway through a stride; before 25% or after "
        "75% of it (or not once) the strides' events cannot all be right; wide enough for "
        "uneven steps after a stroke",
        evidence="clinician_default",
    ),
    Sourced(
        value=0.75,
        source="see the lower bound",
        evidence="clinician_default",
    ),
)
STRIDE_CONSISTENCY = Sourced(
    value=0.3,
    source="a stride more than 30% off the walk's stride period (twice the step period "
    "found by autocorrelation) has a missed or doubled event",
    evidence="clinician_default",
)

# --- how far to trust one side's numbers (dorsi.gait.metrics.side_confidence) ---------------
CONFIDENT_STRIDES = Sourced(
    value=3.0,
    source="a side's medians rest on at least 3 strides before they are called sure (one "
    "stride has no spread to judge; two cannot show which one is off)",
    evidence="clinician_default",
)
CONFIDENT_SPREAD_DEG = Sourced(
    value=2.5,
    source="stride-to-stride SD of the peak swing dorsiflexion up to 2.5 deg: half the 5 deg "
    "video margin of the foot-drop signs; above it the side is less sure",
    evidence="clinician_default",
)
UNSURE_SPREAD_DEG = Sourced(
    value=5.0,
    source="an SD above 5 deg (the foot-drop signs' margin for video error) makes the side's "
    "angle unsure",
    evidence="clinician_default",
)

# --- how the foot lands ----------------------------------------------------------------------
CONTACT_PITCH_DEG = Sourced(
    value=5.0,
    source=(
        "foot pitch at contact relative to the flat foot in mid-stance: >= +5 deg heel first, "
        "<= -5 deg toe first, in between flat; margin above 2-D landmark noise"
    ),
    evidence="clinician_default",
)

# --- signs of foot drop ----------------------------------------------------------------------
PLANTARFLEXED_SWING_DEG = Sourced(
    value=-5.0,
    source=(
        "the ankle is about neutral (0 deg) in mid- and terminal swing (REFERENCE.md 2.11, "
        "Rancho phases, secondary/low); 5 deg margin for 2-D video error (Dorsi's check "
        "against OpenCap markers: about 3-4 deg RMSE)"
    ),
    evidence="clinician_default",
)
SWING_SIDE_DIFFERENCE_DEG = Sourced(
    value=5.0,
    source="a side lifting the foot 5 deg or more less in swing than the other side",
    evidence="clinician_default",
)
LOW_CLEARANCE_RATIO = Sourced(
    value=0.02,
    source=(
        "healthy minimum toe clearance 1.9 +/- 0.5 cm (Moosabhoy & Gard, Gait Posture 2006; "
        "REFERENCE.md 2.11): mean - 2 SD = 0.9 cm, over a shank of about 43 cm gives 0.02; "
        "the shank length is an assumption"
    ),
    evidence="clinician_default",
)
MAJORITY = Sourced(
    value=0.5,
    source="a contact pattern counts as a sign when seen in at least half the strides",
    evidence="clinician_default",
)

# --- whether a video is usable ----------------------------------------------------------------
MIN_PERSON_SCALE_PX = Sourced(
    value=48.0,
    source="a hip-to-ankle length under 48 pixels leaves the foot (about a third of it) some "
    "15 pixels long, too small to measure. Pixels, not a share of the picture: a portrait "
    "phone or a 4K picture gives the foot more pixels, not fewer (the old rule, a tenth of "
    "the shorter side, refused a walker 107 px tall in a 1080 x 1920 portrait video while "
    "accepting 52 px at 480p); 48 px is that old rule at 480p, the smallest picture supported",
    evidence="clinician_default",
)
DARK_MEAN_LUMA = Sourced(
    value=40.0,
    source="mean brightness below 40 of 255: pose models lose the feet",
    evidence="clinician_default",
)
MIN_WALK_TRAVEL_SCALES = Sourced(
    value=1.5,
    source="a walker crosses at least 1.5 hip-to-ankle lengths of the picture (about one "
    "step); less is standing, turning on the spot, or walking towards the camera",
    evidence="clinician_default",
)
FRONTAL_HIP_RATIO = Sourced(
    value=0.45,
    source="hip width in the picture above 45% of trunk length means the camera sees the "
    "person from the front or back, not side-on",
    evidence="clinician_default",
)

# --- impossible values (dorsi.gait.plausible) --------------------------------------------------
ANKLE_MIN_DEG = Sourced(
    value=-65.0,
    source="normal ankle range 0-50 deg plantarflexion (World J Orthop 2017;8(1):21-29, "
    "table 5, citing standard goniometry texts) with a 15 deg margin for 2-D video error "
    "(about twice Dorsi's worst RMSE against OpenCap, 8.6 deg); beyond it the foot was "
    "mis-tracked",
    evidence="clinician_default",
)
ANKLE_MAX_DEG = Sourced(
    value=50.0,
    source="passive range 0-20 deg dorsiflexion (World J Orthop 2017;8(1):21-29, table 5; "
    "REFERENCE.md 2.2: AAOS 13, AMA 20 deg) is exceeded under body weight: the OpenCap "
    "reference walk (shared/data/opencap-walk, OpenSim ankle_angle_r) reaches 40 deg and its "
    "side view 44 deg, so 50 deg keeps real angles and still refuses a foot tracked "
    "backwards; beyond it the foot was mis-tracked",
    evidence="clinician_default",
)
FLOOR_NOISE_RATIO = Sourced(
    value=0.02,
    source="a toe up to 0.02 shank lengths (about 1 cm) below its floor line is on the floor "
    "within the landmarks' noise and counts as touching it (clearance 0, flagged); lower is "
    "mis-tracking",
    evidence="clinician_default",
)
MAX_REPAIR_S = Sourced(
    value=0.1,
    source="mis-tracked frames are filled from their neighbours only in runs up to 0.1 s "
    "(3 frames at 30 fps): the foot moves too far in longer gaps to draw a line through them",
    evidence="clinician_default",
)

# --- bursts in the ankle angle (dorsi.gait.smooth) -----------------------------------------------
ANGLE_SPAN_STRIDES = Sourced(
    value=0.4,
    source="the window of the robust local fit that finds bursts of mis-tracked ankle angles, "
    "as a share of the walk's stride period: about the swing phase (39.6 % of a healthy "
    "stride, 40.5 % after a stroke, Boudarham et al. 2013, secondary), so one window holds one "
    "swing peak and not the push-off before it, and it grows with a slow walker's longer "
    "swing; a burst up to about a quarter of it (0.1 s in a 1.1 s stride) is found",
    evidence="clinician_default",
)
FALLBACK_STRIDE_S = Sourced(
    value=1.05,
    source="a healthy stride (1.05 s, Boudarham et al. 2013, secondary), used for the burst "
    "finder's window when no step rhythm was found",
    evidence="clinician_default",
)
