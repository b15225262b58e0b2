// The review page's behaviour (inlined into each page by mtclean.display.review):
// one document at a time (#doc-N; #show-N without scrolling), a click on a span (or #s-N-I, #show-N-I without scrolling)
// shows its details in the side panel.
(function(){
document.body.classList.add('js');
var docs=[].slice.call(document.querySelectorAll('section.doc'));
function showDoc(n){docs.forEach(function(d){d.classList.toggle('current',d.id==='doc-'+n);});
 [].forEach.call(document.querySelectorAll('nav.docs a'),function(a){a.classList.toggle('current',a.getAttribute('data-doc')===String(n));});}
function choose(doc,index,scroll){
 var panel=document.getElementById('details-'+doc);if(!panel)return;
 [].forEach.call(panel.querySelectorAll('.detail'),function(d){d.hidden=true;});
 var d=document.getElementById('d-'+doc+'-'+index);if(d){d.hidden=false;panel.classList.add('chosen');}
 [].forEach.call(document.querySelectorAll('.span.active'),function(s){s.classList.remove('active');});
 var s=document.getElementById('s-'+doc+'-'+index);
 if(s){s.classList.add('active');if(scroll)s.scrollIntoView({block:'center'});}
}
function fromHash(){
 var h=location.hash.slice(1),m;
 if((m=/^(?:doc|show)-(\d+)$/.exec(h)))showDoc(m[1]);
 else if((m=/^(s|show)-(\d+)-(\d+)$/.exec(h))){showDoc(m[2]);choose(m[2],m[3],m[1]==='s');}
 else if(docs.length)showDoc(docs[0].id.slice(4));
}
document.addEventListener('click',function(ev){
 var s=ev.target.closest('.span');
 if(s){choose(s.getAttribute('data-doc'),s.getAttribute('data-index'),false);return;}
 var a=ev.target.closest('a[data-target]');
 if(a){ev.preventDefault();var p=a.getAttribute('data-target').split('-');choose(p[0],p[1],true);}
});
document.addEventListener('keydown',function(ev){
 var s=ev.target.closest&&ev.target.closest('.span');
 if(s&&(ev.key==='Enter'||ev.key===' ')){ev.preventDefault();choose(s.getAttribute('data-doc'),s.getAttribute('data-index'),false);}
});
window.addEventListener('hashchange',fromHash);
fromHash();
})();
