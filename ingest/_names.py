"""Common given names and surnames in France, folded (``core.text.fold``): a word of an e-mail
address's mailbox found here makes the address a person's (``privacy``), whatever its domain.

Words that are also French common nouns or place words (Petit, Blanc, Fontaine, Rivière…) are left
out: they appear in institutions' mailboxes. A mailbox without any function word is a person's
anyway; these lists catch a person's name beside a function word (``dac.marie.martin@``).
"""

from __future__ import annotations

__all__ = ["GIVEN_NAMES", "SURNAMES"]

GIVEN_NAMES = frozenset("""
aaron abdel abdelkader abdou adam adele adeline adrien agathe agnes ahmed aicha alain alexandra alexandre
alexis alice aline alix amandine amelie amina anais andre andrea angelique anne annie anthony antoine
antonin arnaud arthur audrey aurelie aurelien axel axelle baptiste benedicte benjamin benoit bernadette
bernard bertrand brigitte bruno camille carine carole caroline catherine cecile celine chantal charles
charlotte chloe christelle christian christiane christine christophe claire clara claude claudine clement
clemence colette coralie corinne cyril cyrille damien daniel daniele danielle david delphine denis
denise didier dominique dorothee eddy edith edouard elise elisabeth elodie eloise emilie emma emmanuel
emmanuelle eric estelle ethan etienne eugenie eva evelyne fabien fabienne fabrice fanny fatima fatou
florence florian francine franck francois francoise frederic frederique gabriel gabrielle gael gaelle
genevieve georges gerard ghislaine gilbert gilles ginette gisele guillaume guy guylaine helene henri
herve hugo hugues ines irene isabelle jacqueline jacques jade jean jeanne jeremy jerome joel joelle
johan jonathan jordan joseph josette josiane julia julie julien juliette justine karim karima karine
kevin khadija laetitia laura laure laurence laurent lea lea leila leo leon leonie liliane lina lisa
loic louis louise luc lucas lucie lucien ludovic lydie madeleine maelle magali malik manon marc marcel
margaux margot marguerite maria marianne marie marine mario marion marius marjorie marthe martine
mathieu mathilde mathis matthieu maxime melanie michel micheline michele mickael mireille mohamed
monique morgane muriel myriam nadia nadine nathalie nathan nicolas nicole noah noel noemie oceane
odette odile olivia olivier pascal pascale patrice patricia patrick paul paule pauline philippe pierre
quentin rachel raphael raymond regine remi renaud rene romain romane sabine sabrina samia samir
samuel sandra sandrine sarah sebastien serge severine simone solene sonia sophie stephane stephanie
suzanne sylvain sylvie tatiana theo therese thibault thierry thomas timothee tristan valentin valerie
vanessa veronique victor victoria vincent virginie xavier yannick yasmine yohan youssef yves yvette
yvonne zoe lukasz piotr krzysztof agnieszka katarzyna malgorzata anna joao jose carlos ana fernando
giuseppe giovanni francesca hans klaus jurgen ahmad omar yusuf fatma mehmet ali mustafa
""".split())

SURNAMES = frozenset("""
martin bernard dubois thomas robert richard durand leroy moreau simon laurent lefebvre michel garcia
david bertrand roux vincent fournier morel girard andre lefevre mercier dupont lambert bonnet francois
martinez legrand garnier faure rousseau dupuis lemaire henry roussel nicolas perrin morin mathieu
clement gauthier dumont lopez masson chevalier denis guerin muller lucas gaillard barbier arnaud
giraud roche renard schmitt roy colin vidal caron picard roger fabre aubert lemoine renaud dumas lacroix
olivier philippe bourgeois pierre benoit rey leclerc payet rolland leclercq guillaume lecomte lopez
jean dupuy guillot hubert berger carpentier sanchez dupre moulin louis deschamps huet vasseur perez
boucher fleury royer klein jacquet adam poirier marty aubry guyot carre charles renault charpentier
menard maillard baron bertin bailly herve schneider fernandez collet bouvier julien prevost
millet perrot daniel cousin germain breton besson langlois remy pelletier leveque perrier leblanc barre
lebrun marchal weber mallet hamon boulanger jacob monnier michaud rodriguez guichard gillet etienne
grondin poulain tessier chevallier collin chauvin bouchet lemaitre benard marechal humbert reynaud
antoine hoarau perret barthelemy cordier pichon lejeune gilbert lamy delaunay pasquier carlier laporte
villepin nowak kowalski wisniewski dabrowski lewandowski
""".split())
