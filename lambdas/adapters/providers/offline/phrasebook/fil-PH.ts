import type { Phrasebook } from './phrasebook.js';

/** Filipino is written in Latin letters (with ñ in names); a place in another script is not said in a line. */
const FILIPINO_PLACE = /^[A-Za-zÑñ0-9][A-Za-zÑñ0-9 '’&.-]*$/;

export const filPH: Phrasebook = {
  placeFits: (place) => FILIPINO_PLACE.test(place),
  moods: {
    tender: {
      openers: [
        '{listener}, ang tagal kitang hinintay.',
        '{listener}, hindi ka ba nilalamig? Halika rito.',
        'Sa wakas, nakita rin kita ulit, {listener}.',
        '{listener}, araw-araw sa {place}, ikaw ang iniisip ko.',
      ],
      replies: [
        'Miss na miss din kita.',
        'Basta nandito ka, panatag na ako.',
        'Huwag kang mag-alala, hindi na ako aalis ulit.',
        'Ang payat mo na. Kumakain ka ba nang maayos?',
        'Makita lang kitang nakangiti, sulit na ang lahat.',
        'Nangako ako, di ba? Umuwi na ako.',
      ],
      closers: [
        'Tara, umuwi na tayo, {listener}.',
        'Mula ngayon, anuman ang mangyari, sabay nating haharapin.',
        'Sige, tara na. Dumidilim na.',
      ],
      monologue: [
        'Nandito na ako sa {place}... bakit ang lakas ng kabog ng dibdib ko?',
        'Sana hinihintay pa rin niya ako.',
        'Ilang taon na ang lumipas, pero parang kahapon lang.',
      ],
    },
    tense: {
      openers: [
        '{listener}, hinaan mo ang boses mo. Parang may sumusunod sa atin.',
        '{listener}, narinig mo ba iyon?',
        '{listener}, magsabi ka ng totoo. Ano ba talaga ang nangyari kagabi?',
        'Hindi na ligtas sa {place}, {listener}. Kailangan na nating umalis.',
      ],
      replies: [
        'Huwag kang lilingon. Lakad lang nang normal.',
        'Hindi ko alam, pero masama ang kutob ko.',
        'Kung may itinatago ka sa akin, sabihin mo na ngayon.',
        'Teka... naririnig mo ba? May mga yabag.',
        'Wala nang oras. Magdesisyon ka na.',
        'Naniniwala ako sa iyo, pero mahirap talaga ito ngayon.',
      ],
      closers: [
        'Sige, pagbilang ko ng tatlo, takbo.',
        'Mag-ingat ka, huwag kang magpapahalata.',
        'Hindi pa tapos ang usapang ito.',
      ],
      monologue: [
        'May mali... masyadong tahimik.',
        'Kailangan kong makaalis sa {place} bago mag-umaga.',
        'Kalma lang. Pag-isipan mong mabuti.',
      ],
    },
    joyful: {
      openers: [
        '{listener}! Nakapasa ako! Nakapasa talaga ako!',
        '{listener}, tingnan mo ito! Ang ganda, di ba?',
        '{listener}, ang saya-saya ko ngayon!',
        '{listener}, ang sigla ng {place} ngayon!',
      ],
      replies: [
        'Talaga? Congrats!',
        'Sabi ko na nga ba, kaya mo!',
        'Kailangan nating magdiwang! Libre ko ngayon!',
        'Ang tagal na mula nang makita kitang tumawa nang ganyan.',
        'Grabe, gusto kong sumigaw sa sobrang saya!',
        'Ganito kagandang balita, dapat malaman ng buong pamilya.',
      ],
      closers: [
        'Tagay! Para sa mas magandang bukas!',
        'Tara na, hinihintay na tayo ng lahat.',
        'Perpekto talaga ang araw na ito.',
      ],
      monologue: [
        'Sa wakas, nagawa ko!',
        'Hindi ko akalaing ganito kaganda ang {place}.',
        'Sana ganito na lang araw-araw.',
      ],
    },
    sad: {
      openers: [
        '{listener}... patawad, nahuli ako ng uwi.',
        '{listener}, tahan na.',
        'Aalis ka na ba talaga, {listener}?',
        '{listener}, ganoon pa rin ang {place}, pero wala na siya.',
      ],
      replies: [
        'Huli na ang lahat para sa mga salita.',
        'Hindi kita sinisisi. Nanghihinayang lang ako.',
        'Sana nagkaroon pa tayo ng kaunting oras.',
        'Ayos lang ako, medyo... pagod lang.',
        'Lagi kang bukambibig ng lahat.',
        'May mga bagay na mas mabuting kalimutan na lang.',
      ],
      closers: [
        'Tara, umuwi na tayo, lumalamig na.',
        'Anuman ang mangyari... salamat at nanatili ka.',
        'Lilipas din ang lahat.',
      ],
      monologue: [
        'Sana naging mas matapang ako noon.',
        'Ganoon pa rin ang {place}. Ako lang ang nagbago.',
        'Siguro panahon na para bumitaw.',
      ],
    },
    comic: {
      openers: [
        '{listener}, naiwan mo na naman ang susi?',
        '{listener}, nasunog ang sinaing!',
        'Uy, {listener}, baligtad ang damit mo!',
        '{listener}, tatlong beses na akong umikot sa {place}!',
      ],
      replies: [
        'Hindi, ah! Ay... oo na nga.',
        'Madali lang iyan! Ako na ang bahala.',
        'Hinaan mo ang boses mo, nakatingin ang lahat!',
        'Ang pusa ang may gawa niyan, hindi ako!',
        'Naku, siguradong sesermunan ako ni Nanay.',
        'Sabi ko na sa iyo, ayaw mo kasing makinig.',
      ],
      closers: [
        'Hayaan mo na, kunwari walang nangyari.',
        'Sa susunod, makinig ka sa akin!',
        'Takbo, bago pa may makakita!',
      ],
      monologue: [
        'Ha... nasaan na ang cellphone ko?',
        'Ayan na naman, bakit tuwing nasa {place} ako, malas ako?',
        'Kalma. Kunwari walang nakakita.',
      ],
    },
    angry: {
      openers: [
        '{listener}! Ipaliwanag mo ngayon din, ano ba ito?',
        '{listener}, ilang beses ko bang sasabihin sa iyo?',
        'Tama na, {listener}! Sawang-sawa na ako!',
        '{listener}, may gana ka pang pumunta sa {place}?',
      ],
      replies: [
        'Anong karapatan mong kausapin ako nang ganyan?',
        'Ibinigay ko ang lahat para sa pamilyang ito!',
        'Huwag mong isisi sa akin ang lahat!',
        'Kailanman, hindi ka nakinig sa akin.',
        'Sige, gawin mo ang gusto mo!',
        'Sige, ulitin mo pa!',
      ],
      closers: [
        'Ayoko nang makita ka ulit.',
        'Hindi pa tapos ito, tandaan mo!',
        'Lumabas ka! Hayaan mo akong mag-isa.',
      ],
      monologue: [
        'Bakit lahat sila nagsisinungaling sa akin?',
        'Hindi ko na kaya!',
        'Sa pagkakataong ito, hindi ko sila palalampasin.',
      ],
    },
    default: {
      openers: [
        '{listener}, nandiyan ka na pala?',
        '{listener}, may gusto akong sabihin sa iyo.',
        '{listener}, may oras ka ba ngayon?',
        '{listener}, gabing-gabi na, bakit nasa {place} ka pa?',
      ],
      replies: [
        'Oo, kararating ko lang.',
        'Sige, magsalita ka, nakikinig ako.',
        'Pag-iisipan ko muna.',
        'Hindi rin ako sigurado diyan.',
        'Sige, gawin natin ang sinabi mo.',
        'Ano ang nangyari sa iyo ngayon? Parang iba ka.',
      ],
      closers: ['O sige, tara na.', 'Kung ganoon, ayos na.', 'Bukas na lang natin pag-usapan.'],
      monologue: [
        'Isa na namang mahabang araw.',
        '{place} na naman... ewan ko kung ano ang mangyayari ngayon.',
        'Sige, simulan na natin.',
      ],
    },
  },
  about: {
    openers: [
      '{listener}, kailangan nating pag-usapan ang {thing}.',
      '{listener}, ano ang ibig sabihin ng {thing}?',
      'Tungkol ito sa {thing}, {listener}.',
    ],
    monologue: ['Ang {thing}... bakit ngayon pa?', 'Nagsimula ang lahat sa {thing}.'],
  },
};
