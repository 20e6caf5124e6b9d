"""Natural phrasings written independently of the project's grammar, and other talk in the room.

Half of each (by a hash of the text, :func:`is_development`) was used to
widen the grammar and tune the Whisper engine; the other half is held out,
never read while tuning, to measure how the coach does on phrasings it never saw.
"""

import hashlib

_BY_INTENT: dict[str, tuple[str, ...]] = {
    "Start": (
        "let's get going", "start", "let's start", "begin the session",
        "okay let's begin", "start the workout", "i'm ready to start",
        "can we get started please", "let's do this", "start my exercises",
        "um let's start", "right let's get started then", "begin please",
        "start the back exercises", "off we go", "could you start the session please",
    ),
    "Next": (
        "next", "next one", "i'm ready", "ready", "go on", "done",
        "next exercise", "move on", "okay next", "on to the next one",
        "i've done that", "finished", "let's move on", "next step please",
        "right i'm ready now", "um next",
    ),
    "Previous": (
        "go back", "previous", "previous exercise", "back", "go back one",
        "back to the last exercise", "can we go back", "go back to the previous one",
        "let's do the last one again", "um go back", "take me back", "back one step",
        "the one before", "previous step please", "i want to do the last one again",
        "could we go back a bit please",
    ),
    "Repeat": (
        "repeat", "repeat that", "say that again", "what", "pardon",
        "sorry what was that", "come again", "can you repeat that please",
        "i didn't catch that", "say again", "repeat the instructions",
        "what did you say", "um could you say that again", "i missed that",
        "pardon me could you repeat that", "sorry i didn't hear you",
    ),
    "Pause": (
        "pause", "wait", "hold on", "hang on", "wait a moment", "give me a minute",
        "hang on a sec", "pause please", "just a moment", "hold on a second",
        "um wait", "can we pause for a bit", "let me catch my breath",
        "give me a second", "pause the session", "someone's at the door hang on",
    ),
    "Resume": (
        "resume", "carry on", "continue", "okay continue", "i'm back",
        "let's carry on", "keep going", "go ahead", "unpause", "let's continue",
        "resume please", "carry on please", "we can carry on now", "um okay carry on",
        "let's pick up where we left off", "right i'm ready to continue",
    ),
    "Skip": (
        "skip", "skip this one", "skip it", "skip this exercise", "i'll skip that",
        "leave that one out", "i don't want to do this one", "skip the bridge",
        "can we skip this", "miss this one out", "pass", "not this one",
        "skip that please", "um skip", "i'd rather not do this one",
        "let's leave this one for today",
    ),
    "Stop": (
        "stop", "stop stop", "stop now", "stop right now", "stop everything",
        "halt", "stop it", "enough", "stop stop stop", "no stop", "please stop",
        "wait stop", "stop the exercise", "just stop", "whoa stop", "okay stop",
    ),
    "Quit": (
        "quit", "end session", "end the session", "i'm done for today",
        "that's enough for today", "finish the session", "exit", "let's call it a day",
        "we're done", "close the session", "that's it for today", "goodbye",
        "end the workout", "i want to quit", "um i think i'll stop there",
        "i've had enough for today",
    ),
    "Pain": (
        "ouch", "ow", "ow ow ow", "ouch that hurts", "it hurts", "that hurts",
        "ooh that's sore", "my back hurts", "my lower back is killing me",
        "i've got a sharp pain", "pain", "i'm in pain", "that's painful",
        "my knee hurts", "my hip's hurting", "argh my back", "my neck hurts",
        "sharp pain in my leg", "it's really sore", "my back's gone",
        "i think i pulled something", "that really hurts", "there's a pain in my side",
        "my shoulder hurts", "my hamstring is hurting", "i've got a twinge in my back",
        "ow cramp in my calf", "my tailbone hurts", "um it hurts a bit", "my groin hurts",
    ),
    "Symptom": (
        "my leg's gone numb", "i feel dizzy", "pins and needles",
        "i've got pins and needles in my foot", "my foot is tingling",
        "tingling in my leg", "my legs feel weak", "i feel faint",
        "the room is spinning", "i'm lightheaded", "i can't feel my toes",
        "numbness in my foot", "my arm is tingling", "my hands are tingling",
        "i feel woozy", "i feel a bit giddy", "my leg's giving way",
        "my legs are like jelly", "my foot's gone dead", "i've lost feeling in my leg",
        "my fingers are numb", "um i feel a bit dizzy", "there's tingling down my leg",
        "weakness in my leg", "numb", "dizzy", "my toes are tingling",
        "everything's spinning", "my thigh is numb", "okay my foot's tingling a bit",
    ),
    "Form": (
        "am i doing it right", "how do i check my form", "is this right",
        "is my form okay", "how should i be positioned", "am i doing this correctly",
        "how do i know i'm doing it right", "check my form", "is this the right position",
        "what should i be feeling", "where should my knees be",
        "am i supposed to feel it here", "is this how it's done", "um is this right",
        "how do i do this properly", "any tips on form",
    ),
    "Why": (
        "why", "what's this for", "why am i doing this", "what is this exercise for",
        "what does this do", "what's the point of this one", "why this exercise",
        "what's it good for", "how does this help my back", "what does this one help with",
        "what's the benefit", "why do we do this", "what muscles does this work",
        "um what's this one for", "what's the purpose of this", "tell me why this helps",
    ),
    "Status": (
        "how many left", "how many more", "where are we", "what's next",
        "how many reps left", "how long left", "how much longer",
        "which exercise is this", "what number are we on", "how far through are we",
        "are we nearly done", "what's coming up", "how many exercises left",
        "what's after this one", "um how many more", "is this the last one",
    ),
    "Slower": (
        "slower", "slow down", "slow down please", "go slower", "too fast",
        "that's too quick", "can you slow down", "a bit slower", "not so fast",
        "you're going too fast", "slow it down", "slower please", "take it slower",
        "give me more time", "could you speak more slowly", "um slow down a bit",
    ),
    "Faster": (
        "faster", "speed up", "go faster", "quicker", "a bit quicker please",
        "hurry up", "too slow", "you're too slow", "can you speed up",
        "pick up the pace", "speed it up", "faster please", "let's go a bit faster",
        "come on get on with it", "could you go a little quicker", "um a bit faster",
    ),
    "Help": (
        "help", "what can i say", "what are the commands", "what can you do",
        "help me", "what do i say", "how does this work", "what options do i have",
        "list the commands", "i need help", "what should i say", "um help",
        "how do i use this", "what words do you understand", "what can i ask you",
        "help please",
    ),
    "Yes": (
        "yes", "yeah", "yep", "yes i am", "uh huh", "yes please", "that's right",
        "i am", "afraid so", "correct", "aye", "yup", "definitely", "mm hmm",
        "yes yes", "yeah i am",
    ),
    "No": (
        "no", "nope", "nah", "no i'm not", "not really", "no i'm fine", "no pain",
        "not at all", "no it doesn't", "negative", "no thanks", "no no", "i'm not",
        "um no", "nah i'm okay", "no it's fine",
    ),
    "Okay": (
        "okay", "ok", "i'm okay", "i'm fine", "all good", "everything's fine",
        "i'm alright", "fine", "all fine", "i'm good", "everything's okay",
        "doing fine", "it's all good", "fine thanks", "i'm all right thank you",
        "right as rain",
    ),
}

PHRASINGS: tuple[tuple[str, str], ...] = tuple(
    (text, intent) for intent, texts in _BY_INTENT.items() for text in texts
)

NEGATIVES: tuple[str, ...] = (
    # everyday chit-chat, pets, children, phone, TV and radio
    "can you pass me the remote", "did you feed the cat", "who's that on the phone",
    "hello yes speaking", "i'll call you back later", "sit down rex", "good boy",
    "put that down sweetie", "don't touch that please", "what time is it",
    "is the kettle on", "i'd love a cup of tea", "what's for dinner tonight",
    "have you seen my glasses", "the weather's supposed to turn tomorrow",
    "and now the news", "it's going to be a sunny afternoon",
    "the traffic on the motorway is heavy", "coming up after the break",
    "in other news tonight", "thanks for calling how can i help",
    "can you turn the heating up", "close the window would you",
    "did you lock the back door", "the dog needs to go out",
    "where did i put my keys", "tell your sister dinner's ready",
    "that was a lovely film", "hi mum how are you", "i'll be there in ten minutes",
    "did you get the milk", "shh the baby's asleep", "honey can you grab the post",
    "what a lovely day", "it's raining again", "goal what a strike",
    "the score is two nil", "bless you", "whose turn is it to wash up",
    "mummy i need a wee",
    # tricky: command-like words used in another sense
    "i'll see you next week", "can you stop by the shop on the way home",
    "hold the door please", "i'm going to start dinner",
    "i'll have the pain au chocolat", "i need to pick up my repeat prescriptions",
    "go back to the car and get my bag", "the next bus is due at four",
    "yes i'll hold", "stop pulling the cat's tail", "don't skip breakfast tomorrow",
    "help yourself to the biscuits", "the quiz starts at eight",
    "what a pain in the neck he is", "kids quit fighting right now",
    "how many sugars do you want", "put the slow cooker on",
    "he was driving way too fast", "could you pause the telly for me love",
    "my back garden's a mess",
)


def is_development(text: str) -> bool:
    """True for the half of the phrasings used for tuning; False for the held-out half."""
    return int(hashlib.sha1(text.encode()).hexdigest(), 16) % 2 == 0
